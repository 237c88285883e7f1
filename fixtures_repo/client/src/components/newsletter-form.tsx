import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { apiRequest, errorMessage } from "@/lib/query-client";
import { FormAlert } from "./form-field";

export function NewsletterForm() {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");

  const subscribe = useMutation({
    mutationFn: () => apiRequest("POST", "/api/newsletter/subscribe", { email: email.trim(), name: name.trim() || undefined }),
    onSuccess: () => {
      setEmail("");
      setName("");
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    subscribe.mutate();
  };

  return (
    <form className="newsletter-form" onSubmit={onSubmit}>
      <div className="newsletter-form__row">
        <label className="visually-hidden" htmlFor="newsletter-name">
          Name
        </label>
        <input id="newsletter-name" placeholder="Your name (optional)" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        <label className="visually-hidden" htmlFor="newsletter-email">
          Email
        </label>
        <input
          id="newsletter-email"
          type="email"
          required
          placeholder="Email address"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="email"
        />
        <button type="submit" className="button" disabled={subscribe.isPending}>
          {subscribe.isPending ? "Subscribing…" : "Subscribe"}
        </button>
      </div>
      {subscribe.isError && <FormAlert message={errorMessage(subscribe.error)} />}
      {subscribe.isSuccess && <FormAlert tone="success" message="Thanks — check your inbox for a welcome note." />}
    </form>
  );
}
