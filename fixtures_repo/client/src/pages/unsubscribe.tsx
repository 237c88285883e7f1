import { useEffect, useRef, type ReactNode } from "react";
import { useMutation } from "@tanstack/react-query";
import { Link, useSearch } from "wouter";
import { apiRequest, errorMessage, unwrap } from "@/lib/query-client";

interface UnsubscribeResult {
  email: string;
  status: string;
}

export default function Unsubscribe() {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const unsubscribe = useMutation({
    mutationFn: (value: string) => apiRequest("POST", "/api/newsletter/unsubscribe", { token: value }),
  });
  const { mutate } = unsubscribe;
  // Fire once per token, even under StrictMode's double effects.
  const sentFor = useRef<string | null>(null);

  useEffect(() => {
    if (token && sentFor.current !== token) {
      sentFor.current = token;
      mutate(token);
    }
  }, [token, mutate]);

  let content: ReactNode;
  if (!token) {
    content = <p>This unsubscribe link is incomplete. Please use the link from one of our emails.</p>;
  } else if (unsubscribe.isSuccess) {
    const result = unwrap<UnsubscribeResult>(unsubscribe.data);
    content = <p>{result.email} won’t receive studio notes any more. Sorry to see you go.</p>;
  } else if (unsubscribe.isError) {
    content = <p className="alert alert--error">{errorMessage(unsubscribe.error)}</p>;
  } else {
    content = <p className="loading">Unsubscribing…</p>;
  }

  return (
    <section className="container page narrow">
      <h1>Newsletter</h1>
      {content}
      <Link href="/">Back to the homepage</Link>
    </section>
  );
}
