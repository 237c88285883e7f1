import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { ClientProject, ProjectUpdate } from "@shared/schema";
import { Link, useParams } from "wouter";
import { FormAlert, FormField } from "@/components/form-field";
import { StatusBadge } from "@/components/status-badge";
import { useAuth } from "@/hooks/use-auth";
import { centsToPoundsInput, formatDate, formatDateTime, formatMoney, fullName, paragraphs, parsePoundsToCents } from "@/lib/format";
import { ApiError, apiRequest, errorMessage, queryClient, unwrap } from "@/lib/query-client";
import NotFound from "./not-found";

function refreshProject(id: number): Promise<void> {
  return queryClient.invalidateQueries({
    predicate: (query) => {
      const [url] = query.queryKey;
      return (
        typeof url === "string" &&
        [`/api/client/projects/${id}`, `/api/client/projects/${id}/updates`, "/api/client/projects", "/api/admin/client-projects"].includes(url)
      );
    },
  });
}

function EditBriefForm({ project, onDone }: { project: ClientProject; onDone: () => void }) {
  const [title, setTitle] = useState(project.title);
  const [description, setDescription] = useState(project.description);
  const [budget, setBudget] = useState(centsToPoundsInput(project.budgetCents));
  const [dueDate, setDueDate] = useState(project.dueDate ?? "");
  const [budgetError, setBudgetError] = useState<string | undefined>();

  const save = useMutation({
    mutationFn: (changes: Record<string, unknown>) => apiRequest("PATCH", `/api/client/projects/${project.id}`, changes),
    onSuccess: async () => {
      await refreshProject(project.id);
      onDone();
    },
  });
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors() : {};

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const budgetCents = parsePoundsToCents(budget);
    if (Number.isNaN(budgetCents)) {
      setBudgetError("Enter an amount in pounds, e.g. 2500");
      return;
    }
    setBudgetError(undefined);
    save.mutate({ title: title.trim(), description: description.trim(), budgetCents, dueDate: dueDate || null });
  };

  return (
    <form className="form card" onSubmit={onSubmit}>
      <h2>Edit brief</h2>
      <FormAlert message={save.isError ? errorMessage(save.error) : null} />
      <FormField label="Title" htmlFor="edit-title" error={fieldErrors.title}>
        <input id="edit-title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={160} required />
      </FormField>
      <FormField label="Brief" htmlFor="edit-description" error={fieldErrors.description}>
        <textarea id="edit-description" rows={6} value={description} onChange={(e) => setDescription(e.target.value)} required />
      </FormField>
      <div className="form__row">
        <FormField label="Budget (£)" htmlFor="edit-budget" optional error={budgetError ?? fieldErrors.budgetCents}>
          <input id="edit-budget" inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
        </FormField>
        <FormField label="Needed by" htmlFor="edit-due" optional error={fieldErrors.dueDate}>
          <input id="edit-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </FormField>
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save changes"}
        </button>
        <button type="button" className="button button--ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function PostUpdateForm({ projectId, asStudio }: { projectId: number; asStudio: boolean }) {
  const [body, setBody] = useState("");
  const [isInternal, setIsInternal] = useState(false);
  const post = useMutation({
    // Clients post on their own project; studio staff use the admin route (which supports internal notes).
    mutationFn: () =>
      asStudio
        ? apiRequest("POST", `/api/admin/client-projects/${projectId}/updates`, { body: body.trim(), isInternal })
        : apiRequest("POST", `/api/client/projects/${projectId}/updates`, { body: body.trim() }),
    onSuccess: async () => {
      setBody("");
      setIsInternal(false);
      await refreshProject(projectId);
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    post.mutate();
  };

  return (
    <form className="form" onSubmit={onSubmit}>
      <FormAlert message={post.isError ? errorMessage(post.error) : null} />
      <FormField label={asStudio ? "Add a studio note" : "Message the studio"} htmlFor="update-body">
        <textarea id="update-body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} maxLength={5000} required />
      </FormField>
      {asStudio && (
        <label className="checkbox">
          <input type="checkbox" checked={isInternal} onChange={(e) => setIsInternal(e.target.checked)} /> Internal (hidden from the client)
        </label>
      )}
      <button type="submit" className="button" disabled={post.isPending || body.trim() === ""}>
        {post.isPending ? "Posting…" : "Post"}
      </button>
    </form>
  );
}

function TestimonialForm({ defaultName, defaultCompany }: { defaultName: string; defaultCompany: string }) {
  const [form, setForm] = useState({ authorName: defaultName, authorTitle: "", company: defaultCompany, quote: "", rating: "5" });
  const submit = useMutation({
    mutationFn: () =>
      apiRequest("POST", "/api/testimonials", {
        authorName: form.authorName.trim(),
        authorTitle: form.authorTitle.trim() || undefined,
        company: form.company.trim() || undefined,
        quote: form.quote.trim(),
        rating: Number(form.rating),
      }),
  });
  const fieldErrors = submit.error instanceof ApiError ? submit.error.fieldErrors() : {};
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [name]: event.target.value }));

  if (submit.isSuccess) {
    return <FormAlert tone="success" message="Thank you! Your testimonial will appear on the site once the studio approves it." />;
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit.mutate();
  };

  return (
    <form className="form card" onSubmit={onSubmit}>
      <h2>How did we do?</h2>
      <FormAlert message={submit.isError ? errorMessage(submit.error) : null} />
      <div className="form__row">
        <FormField label="Your name" htmlFor="t-name" error={fieldErrors.authorName}>
          <input id="t-name" value={form.authorName} onChange={set("authorName")} required />
        </FormField>
        <FormField label="Rating" htmlFor="t-rating" error={fieldErrors.rating}>
          <select id="t-rating" value={form.rating} onChange={set("rating")}>
            {[5, 4, 3, 2, 1].map((value) => (
              <option key={value} value={value}>
                {"★".repeat(value)}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <div className="form__row">
        <FormField label="Job title" htmlFor="t-title" optional error={fieldErrors.authorTitle}>
          <input id="t-title" value={form.authorTitle} onChange={set("authorTitle")} />
        </FormField>
        <FormField label="Company" htmlFor="t-company" optional error={fieldErrors.company}>
          <input id="t-company" value={form.company} onChange={set("company")} />
        </FormField>
      </div>
      <FormField label="Your words" htmlFor="t-quote" error={fieldErrors.quote} hint="20 to 1,200 characters.">
        <textarea id="t-quote" rows={4} value={form.quote} onChange={set("quote")} minLength={20} maxLength={1200} required />
      </FormField>
      <button type="submit" className="button" disabled={submit.isPending}>
        Send testimonial
      </button>
    </form>
  );
}

export default function ClientProjectPage() {
  const { id } = useParams<{ id: string }>();
  const projectId = Number(id);
  const validId = Number.isInteger(projectId) && projectId > 0;
  const { user, isAdmin } = useAuth();
  const [editing, setEditing] = useState(false);

  const project = useQuery({
    queryKey: [`/api/client/projects/${projectId}`],
    select: (body: unknown) => unwrap<ClientProject>(body),
    enabled: validId,
  });
  const updates = useQuery({
    queryKey: [`/api/client/projects/${projectId}/updates`],
    select: (body: unknown) => unwrap<ProjectUpdate[]>(body),
    enabled: validId,
  });

  if (!validId || (project.error instanceof ApiError && project.error.status === 404)) {
    return <NotFound />;
  }
  if (project.isLoading) {
    return <p className="container page loading">Loading project…</p>;
  }
  if (project.error || !project.data || !user) {
    return <p className="container page alert alert--error">{errorMessage(project.error)}</p>;
  }

  const data = project.data;
  const isOwner = data.userId === user.id;
  const canEdit = isOwner && (data.status === "inquiry" || data.status === "quoted");
  // The updates endpoint returns internal studio notes too; only staff should see them.
  const visibleUpdates = (updates.data ?? []).filter((update) => isAdmin || !update.isInternal);

  return (
    <section className="container page">
      <Link href={isAdmin && !isOwner ? "/admin" : "/dashboard"} className="back-link">
        ← Back
      </Link>
      <div className="section__header">
        <h1>{data.title}</h1>
        <StatusBadge status={data.status} />
      </div>
      <dl className="facts facts--inline">
        <div>
          <dt>Budget</dt>
          <dd>{formatMoney(data.budgetCents)}</dd>
        </div>
        <div>
          <dt>Needed by</dt>
          <dd>{formatDate(data.dueDate)}</dd>
        </div>
        <div>
          <dt>Requested</dt>
          <dd>{formatDate(data.createdAt)}</dd>
        </div>
      </dl>

      {editing ? (
        <EditBriefForm project={data} onDone={() => setEditing(false)} />
      ) : (
        <div className="narrow">
          {paragraphs(data.description).map((text, index) => (
            <p key={index}>{text}</p>
          ))}
          {canEdit && (
            <button type="button" className="button button--ghost" onClick={() => setEditing(true)}>
              Edit brief
            </button>
          )}
        </div>
      )}

      <section className="section narrow">
        <h2>Updates</h2>
        {updates.isLoading && <p className="loading">Loading updates…</p>}
        {updates.isSuccess && visibleUpdates.length === 0 && <p className="muted">No updates yet.</p>}
        <ol className="timeline">
          {visibleUpdates.map((update) => (
            <li key={update.id} className={update.isInternal ? "timeline__item is-internal" : "timeline__item"}>
              <p className="muted">
                {formatDateTime(update.createdAt)}
                {update.authorId === user.id ? " · You" : update.authorId === data.userId ? " · Client" : " · Alloy studio"}
                {update.isInternal && " · Internal"}
              </p>
              <p>{update.body}</p>
            </li>
          ))}
        </ol>
        {(isOwner || isAdmin) && <PostUpdateForm projectId={data.id} asStudio={!isOwner && isAdmin} />}
      </section>

      {isOwner && data.status === "completed" && (
        <section className="section narrow">
          <TestimonialForm defaultName={fullName(user)} defaultCompany={user.company ?? ""} />
        </section>
      )}
    </section>
  );
}
