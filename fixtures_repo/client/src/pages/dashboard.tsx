import { useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { ClientProject, Service } from "@shared/schema";
import { Link, useLocation } from "wouter";
import { FormAlert, FormField } from "@/components/form-field";
import { StatusBadge } from "@/components/status-badge";
import { useAuth } from "@/hooks/use-auth";
import { formatDate, formatMoney, parsePoundsToCents } from "@/lib/format";
import { ApiError, apiRequest, errorMessage, queryClient, unwrap } from "@/lib/query-client";

const PROJECTS_KEY = ["/api/client/projects"];
const emptyRequest = { title: "", serviceId: "", description: "", budget: "", dueDate: "" };

function RequestProjectForm({ onCancel }: { onCancel: () => void }) {
  const [, navigate] = useLocation();
  const [form, setForm] = useState(emptyRequest);
  const [budgetError, setBudgetError] = useState<string | undefined>();
  const services = useQuery({
    queryKey: ["/api/services"],
    select: (body: unknown) => unwrap<Service[]>(body).filter((service) => service.isActive),
  });

  const create = useMutation({
    mutationFn: (payload: Record<string, unknown>) => apiRequest("POST", "/api/client/projects", payload),
    onSuccess: async (body) => {
      await queryClient.invalidateQueries({ queryKey: PROJECTS_KEY });
      navigate(`/dashboard/projects/${unwrap<ClientProject>(body).id}`);
    },
  });
  const fieldErrors = create.error instanceof ApiError ? create.error.fieldErrors() : {};

  const update = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => {
    const { name, value } = event.target;
    setForm((current) => ({ ...current, [name]: value }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const budgetCents = parsePoundsToCents(form.budget);
    if (Number.isNaN(budgetCents)) {
      setBudgetError("Enter an amount in pounds, e.g. 2500");
      return;
    }
    setBudgetError(undefined);
    create.mutate({
      title: form.title.trim(),
      description: form.description.trim(),
      serviceId: form.serviceId ? Number(form.serviceId) : null,
      budgetCents,
      dueDate: form.dueDate || null,
    });
  };

  return (
    <form className="form card" onSubmit={onSubmit}>
      <h2>Request a project</h2>
      <FormAlert message={create.isError ? errorMessage(create.error) : null} />
      <FormField label="Project title" htmlFor="title" error={fieldErrors.title}>
        <input id="title" name="title" value={form.title} onChange={update} maxLength={160} required />
      </FormField>
      <FormField label="Service" htmlFor="serviceId" optional error={fieldErrors.serviceId}>
        <select id="serviceId" name="serviceId" value={form.serviceId} onChange={update}>
          <option value="">Not sure yet</option>
          {services.data?.map((service) => (
            <option key={service.id} value={service.id}>
              {service.name}
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="Brief" htmlFor="description" error={fieldErrors.description} hint="What you need, where it goes, and any constraints.">
        <textarea id="description" name="description" rows={6} value={form.description} onChange={update} required />
      </FormField>
      <div className="form__row">
        <FormField label="Budget (£)" htmlFor="budget" optional error={budgetError ?? fieldErrors.budgetCents}>
          <input id="budget" name="budget" inputMode="decimal" value={form.budget} onChange={update} />
        </FormField>
        <FormField label="Needed by" htmlFor="dueDate" optional error={fieldErrors.dueDate}>
          <input id="dueDate" name="dueDate" type="date" value={form.dueDate} onChange={update} />
        </FormField>
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Sending…" : "Send request"}
        </button>
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function Dashboard() {
  const { user } = useAuth();
  const [showForm, setShowForm] = useState(false);
  const { data: projects, isLoading, error } = useQuery({
    queryKey: PROJECTS_KEY,
    select: (body: unknown) => unwrap<ClientProject[]>(body),
  });

  return (
    <section className="container page">
      <div className="section__header">
        <h1>Hello{user?.firstName ? `, ${user.firstName}` : ""}</h1>
        {!showForm && (
          <button type="button" className="button" onClick={() => setShowForm(true)}>
            Request a project
          </button>
        )}
      </div>
      {showForm && <RequestProjectForm onCancel={() => setShowForm(false)} />}

      <h2>Your projects</h2>
      {isLoading && <p className="loading">Loading your projects…</p>}
      {error && <p className="alert alert--error">{errorMessage(error)}</p>}
      {projects && projects.length === 0 && (
        <p className="muted">No projects yet. Request one and the studio will get back to you with a quote.</p>
      )}
      {projects && projects.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Project</th>
              <th>Status</th>
              <th>Budget</th>
              <th>Needed by</th>
              <th>Last update</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.id}>
                <td>
                  <Link href={`/dashboard/projects/${project.id}`}>{project.title}</Link>
                </td>
                <td>
                  <StatusBadge status={project.status} />
                </td>
                <td>{formatMoney(project.budgetCents)}</td>
                <td>{formatDate(project.dueDate)}</td>
                <td>{formatDate(project.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
