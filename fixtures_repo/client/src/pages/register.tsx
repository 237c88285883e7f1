import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link, Redirect, useLocation, useSearch } from "wouter";
import { FormAlert, FormField } from "@/components/form-field";
import { useAuth } from "@/hooks/use-auth";
import { ApiError, errorMessage } from "@/lib/query-client";
import { safeNextPath } from "./login";

const MIN_PASSWORD_LENGTH = 10;

export default function Register() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const { user, registerMutation } = useAuth();
  const [form, setForm] = useState({ firstName: "", lastName: "", email: "", company: "", password: "" });
  const [localError, setLocalError] = useState<string | null>(null);
  const next = safeNextPath(search);

  if (user && !registerMutation.isPending) {
    return <Redirect to={next} replace />;
  }

  const fieldErrors = registerMutation.error instanceof ApiError ? registerMutation.error.fieldErrors() : {};
  const update = (event: ChangeEvent<HTMLInputElement>) => {
    const { name, value } = event.target;
    setForm((current) => ({ ...current, [name]: value }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (form.password.length < MIN_PASSWORD_LENGTH) {
      setLocalError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
      return;
    }
    setLocalError(null);
    registerMutation.mutate(
      {
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        email: form.email.trim(),
        company: form.company.trim() || undefined,
        password: form.password,
      },
      { onSuccess: () => navigate(next, { replace: true }) },
    );
  };

  return (
    <section className="container page narrow-sm">
      <h1>Create your client account</h1>
      <form className="form" onSubmit={onSubmit}>
        <FormAlert message={registerMutation.isError ? errorMessage(registerMutation.error) : null} />
        <div className="form__row">
          <FormField label="First name" htmlFor="firstName" error={fieldErrors.firstName}>
            <input id="firstName" name="firstName" value={form.firstName} onChange={update} autoComplete="given-name" required />
          </FormField>
          <FormField label="Last name" htmlFor="lastName" error={fieldErrors.lastName}>
            <input id="lastName" name="lastName" value={form.lastName} onChange={update} autoComplete="family-name" required />
          </FormField>
        </div>
        <FormField label="Email" htmlFor="email" error={fieldErrors.email}>
          <input id="email" name="email" type="email" value={form.email} onChange={update} autoComplete="email" required />
        </FormField>
        <FormField label="Company" htmlFor="company" optional error={fieldErrors.company}>
          <input id="company" name="company" value={form.company} onChange={update} autoComplete="organization" />
        </FormField>
        <FormField
          label="Password"
          htmlFor="password"
          error={localError ?? fieldErrors.password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        >
          <input id="password" name="password" type="password" value={form.password} onChange={update} autoComplete="new-password" required />
        </FormField>
        <button type="submit" className="button" disabled={registerMutation.isPending}>
          {registerMutation.isPending ? "Creating account…" : "Create account"}
        </button>
      </form>
      <p>
        Already have an account? <Link href={`/login?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </section>
  );
}
