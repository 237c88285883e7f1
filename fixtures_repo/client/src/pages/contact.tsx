import { useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { Service } from "@shared/schema";
import { Link, useSearch } from "wouter";
import { FormAlert, FormField } from "@/components/form-field";
import { ApiError, apiRequest, errorMessage, unwrap } from "@/lib/query-client";

const emptyForm = { name: "", email: "", company: "", phone: "", serviceInterest: "", subject: "", message: "" };
type ContactForm = typeof emptyForm;

export default function Contact() {
  const initialService = new URLSearchParams(useSearch()).get("service") ?? "";
  const [form, setForm] = useState<ContactForm>({ ...emptyForm, serviceInterest: initialService });

  const services = useQuery({
    queryKey: ["/api/services"],
    select: (body: unknown) => unwrap<Service[]>(body).filter((service) => service.isActive),
  });

  const send = useMutation({
    mutationFn: (values: ContactForm) =>
      apiRequest("POST", "/api/contact", {
        name: values.name.trim(),
        email: values.email.trim(),
        subject: values.subject.trim(),
        message: values.message.trim(),
        // Optional columns: leave them out rather than storing empty strings.
        company: values.company.trim() || undefined,
        phone: values.phone.trim() || undefined,
        serviceInterest: values.serviceInterest || undefined,
      }),
  });

  // POST /api/contact answers { message, errors } rather than { error, details }; ApiError reads both.
  const fieldErrors = send.error instanceof ApiError ? send.error.fieldErrors() : {};

  const update = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => {
    const { name, value } = event.target;
    setForm((current) => ({ ...current, [name]: value }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send.mutate(form);
  };

  if (send.isSuccess) {
    return (
      <section className="container page narrow">
        <h1>Thanks, {form.name.split(" ")[0] || "we got it"}.</h1>
        <p className="lead">Your message is with the studio. We reply to every enquiry within two working days.</p>
        <Link href="/portfolio" className="button button--ghost">
          Browse our work while you wait
        </Link>
      </section>
    );
  }

  return (
    <section className="container page narrow">
      <h1>Contact the studio</h1>
      <p className="lead">
        Tell us about your project. Prefer to talk it through? <Link href="/book">Book a consultation</Link>.
      </p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormAlert message={send.isError ? errorMessage(send.error) : null} />
        <div className="form__row">
          <FormField label="Name" htmlFor="name" error={fieldErrors.name}>
            <input id="name" name="name" value={form.name} onChange={update} autoComplete="name" required />
          </FormField>
          <FormField label="Email" htmlFor="email" error={fieldErrors.email}>
            <input id="email" name="email" type="email" value={form.email} onChange={update} autoComplete="email" required />
          </FormField>
        </div>
        <div className="form__row">
          <FormField label="Company" htmlFor="company" optional error={fieldErrors.company}>
            <input id="company" name="company" value={form.company} onChange={update} autoComplete="organization" />
          </FormField>
          <FormField label="Phone" htmlFor="phone" optional error={fieldErrors.phone}>
            <input id="phone" name="phone" type="tel" value={form.phone} onChange={update} autoComplete="tel" />
          </FormField>
        </div>
        <FormField label="Service" htmlFor="serviceInterest" optional error={fieldErrors.serviceInterest}>
          <select id="serviceInterest" name="serviceInterest" value={form.serviceInterest} onChange={update}>
            <option value="">Not sure yet</option>
            {services.data?.map((service) => (
              <option key={service.id} value={service.slug}>
                {service.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Subject" htmlFor="subject" error={fieldErrors.subject}>
          <input id="subject" name="subject" value={form.subject} onChange={update} maxLength={200} required />
        </FormField>
        <FormField label="Message" htmlFor="message" error={fieldErrors.message} hint="Sizes, materials, timings, budget: anything helps.">
          <textarea id="message" name="message" rows={7} value={form.message} onChange={update} maxLength={5000} required />
        </FormField>
        <button type="submit" className="button" disabled={send.isPending}>
          {send.isPending ? "Sending…" : "Send message"}
        </button>
      </form>
    </section>
  );
}
