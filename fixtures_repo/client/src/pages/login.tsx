import { useState, type FormEvent } from "react";
import { Link, Redirect, useLocation, useSearch } from "wouter";
import { FormAlert, FormField } from "@/components/form-field";
import { useAuth } from "@/hooks/use-auth";
import { errorMessage } from "@/lib/query-client";

/** Only follow same-site paths from ?next= (no "//host" or absolute URLs). */
export function safeNextPath(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard";
}

export default function Login() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const { user, loginMutation } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = safeNextPath(search);

  if (user && !loginMutation.isPending) {
    return <Redirect to={next} replace />;
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    loginMutation.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  return (
    <section className="container page narrow-sm">
      <h1>Sign in</h1>
      <p className="muted">Follow your projects and talk to the studio from your client portal.</p>
      <form className="form" onSubmit={onSubmit}>
        <FormAlert message={loginMutation.isError ? errorMessage(loginMutation.error) : null} />
        <FormField label="Email" htmlFor="email">
          <input id="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
        </FormField>
        <FormField label="Password" htmlFor="password">
          <input
            id="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </FormField>
        <button type="submit" className="button" disabled={loginMutation.isPending}>
          {loginMutation.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        New to Alloy? <Link href={`/register?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}
