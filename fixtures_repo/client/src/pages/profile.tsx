import { useEffect, useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { SafeUser } from "@shared/schema";
import { FormAlert, FormField } from "@/components/form-field";
import { AUTH_USER_KEY } from "@/hooks/use-auth";
import { formatDate } from "@/lib/format";
import { ApiError, apiRequest, errorMessage, queryClient, unwrap } from "@/lib/query-client";

const PROFILE_KEY = ["/api/profile"];
const editableFields = ["firstName", "lastName", "company", "phone", "profileImageUrl"] as const;
type EditableField = (typeof editableFields)[number];
type ProfileForm = Record<EditableField, string>;

function toForm(user: SafeUser): ProfileForm {
  return {
    firstName: user.firstName ?? "",
    lastName: user.lastName ?? "",
    company: user.company ?? "",
    phone: user.phone ?? "",
    profileImageUrl: user.profileImageUrl ?? "",
  };
}

export default function Profile() {
  const profile = useQuery({ queryKey: PROFILE_KEY, select: (body: unknown) => unwrap<SafeUser>(body) });
  const [form, setForm] = useState<ProfileForm | null>(null);

  useEffect(() => {
    if (profile.data && form === null) {
      setForm(toForm(profile.data));
    }
  }, [profile.data, form]);

  const save = useMutation({
    // Only the editable profile fields are sent: never `role` or `email`.
    mutationFn: (values: ProfileForm) => {
      const changes: Partial<Record<EditableField, string | null>> = {};
      for (const field of editableFields) {
        changes[field] = values[field].trim() || null;
      }
      return apiRequest("PATCH", "/api/profile", changes);
    },
    onSuccess: (body) => {
      const user = unwrap<SafeUser>(body);
      queryClient.setQueryData(PROFILE_KEY, body);
      queryClient.setQueryData(AUTH_USER_KEY, user);
      setForm(toForm(user));
    },
  });
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors() : {};

  if (profile.isLoading || (profile.data && !form)) {
    return <p className="container page loading">Loading profile…</p>;
  }
  if (profile.error || !profile.data || !form) {
    return <p className="container page alert alert--error">{errorMessage(profile.error)}</p>;
  }

  const update = (event: ChangeEvent<HTMLInputElement>) => {
    const { name, value } = event.target;
    setForm({ ...form, [name]: value });
    save.reset();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(form);
  };

  return (
    <section className="container page narrow-sm">
      <h1>Your profile</h1>
      <p className="muted">
        Signed in as {profile.data.email} · member since {formatDate(profile.data.createdAt)}
      </p>
      <form className="form" onSubmit={onSubmit}>
        <FormAlert message={save.isError ? errorMessage(save.error) : null} />
        <FormAlert tone="success" message={save.isSuccess ? "Profile saved." : null} />
        <div className="form__row">
          <FormField label="First name" htmlFor="firstName" error={fieldErrors.firstName}>
            <input id="firstName" name="firstName" value={form.firstName} onChange={update} autoComplete="given-name" />
          </FormField>
          <FormField label="Last name" htmlFor="lastName" error={fieldErrors.lastName}>
            <input id="lastName" name="lastName" value={form.lastName} onChange={update} autoComplete="family-name" />
          </FormField>
        </div>
        <FormField label="Company" htmlFor="company" optional error={fieldErrors.company}>
          <input id="company" name="company" value={form.company} onChange={update} autoComplete="organization" />
        </FormField>
        <FormField label="Phone" htmlFor="phone" optional error={fieldErrors.phone}>
          <input id="phone" name="phone" type="tel" value={form.phone} onChange={update} autoComplete="tel" />
        </FormField>
        <FormField label="Profile image URL" htmlFor="profileImageUrl" optional error={fieldErrors.profileImageUrl}>
          <input id="profileImageUrl" name="profileImageUrl" type="url" value={form.profileImageUrl} onChange={update} />
        </FormField>
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save profile"}
        </button>
      </form>
    </section>
  );
}
