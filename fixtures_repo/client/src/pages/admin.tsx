import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type {
  ClientProject,
  ClientProjectStatus,
  ContactMessage,
  ContactMessageStatus,
  DashboardStats,
  NewsletterSubscriber,
  Testimonial,
} from "@shared/schema";
import { Link } from "wouter";
import { FormAlert } from "@/components/form-field";
import { StatusBadge } from "@/components/status-badge";
import { contactStatusLabels, formatDate, formatDateTime, formatMoney, projectStatusLabels } from "@/lib/format";
import { apiRequest, errorMessage, isRecord, queryClient, unwrap } from "@/lib/query-client";

const PAGE_SIZE = 20;
const tabs = ["messages", "projects", "testimonials", "subscribers"] as const;
type Tab = (typeof tabs)[number];
const tabLabels: Record<Tab, string> = {
  messages: "Messages",
  projects: "Client projects",
  testimonials: "Testimonials",
  subscribers: "Subscribers",
};
// Local copies of the shared enums, so the client bundle doesn't pull in drizzle.
const messageStatuses = Object.keys(contactStatusLabels) as ContactMessageStatus[];
const projectStatuses = Object.keys(projectStatusLabels) as ClientProjectStatus[];

interface Paginated<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

function toPaginated<T>(body: unknown): Paginated<T> {
  const items = unwrap<T[]>(body);
  const pagination = isRecord(body) && isRecord(body.pagination) ? body.pagination : {};
  const number = (value: unknown, fallback: number) => (typeof value === "number" ? value : fallback);
  return {
    items,
    page: number(pagination.page, 1),
    pageSize: number(pagination.pageSize, PAGE_SIZE),
    total: number(pagination.total, items.length),
  };
}

/** Invalidates an admin list plus the stats cards, which summarise every list. */
function refresh(url: string): Promise<void> {
  return queryClient.invalidateQueries({
    predicate: (query) => query.queryKey[0] === url || query.queryKey[0] === "/api/admin/stats",
  });
}

function StatsCards() {
  // GET /api/admin/stats answers the bare DashboardStats object (BUG-011).
  const { data: stats, error } = useQuery({
    queryKey: ["/api/admin/stats"],
    select: (body: unknown) => unwrap<DashboardStats>(body),
  });
  if (error) {
    return <FormAlert message={errorMessage(error)} />;
  }
  const cards: Array<[string, string]> = [
    ["New messages", String(stats?.newContactMessages ?? "…")],
    ["Open projects", String(stats?.openClientProjects ?? "…")],
    ["Pending testimonials", String(stats?.pendingTestimonials ?? "…")],
    ["Subscribers", String(stats?.activeSubscribers ?? "…")],
    ["Average rating", stats ? (stats.averageRating?.toFixed(1) ?? "—") : "…"],
  ];
  return (
    <div className="grid grid--5 stats">
      {cards.map(([label, value]) => (
        <div key={label} className="card stat">
          <span className="stat__value">{value}</span>
          <span className="muted">{label}</span>
        </div>
      ))}
    </div>
  );
}

function MessagesPanel() {
  const [status, setStatus] = useState<ContactMessageStatus | "">("");
  const [page, setPage] = useState(1);
  const messages = useQuery({
    queryKey: ["/api/admin/contact-messages", { status, page, pageSize: PAGE_SIZE }],
    select: (body: unknown) => toPaginated<ContactMessage>(body),
    placeholderData: (previous) => previous,
  });
  const setMessageStatus = useMutation({
    mutationFn: ({ id, next }: { id: number; next: ContactMessageStatus }) =>
      apiRequest("PATCH", `/api/admin/contact-messages/${id}`, { status: next }),
    onSuccess: () => refresh("/api/admin/contact-messages"),
  });

  const data = messages.data;
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <>
      <div className="toolbar">
        <label>
          Show{" "}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value === "" ? "" : (e.target.value as ContactMessageStatus));
              setPage(1);
            }}
          >
            <option value="">All messages</option>
            {messageStatuses.map((value) => (
              <option key={value} value={value}>
                {contactStatusLabels[value]}
              </option>
            ))}
          </select>
        </label>
        {data && <span className="muted">{data.total} total</span>}
      </div>
      <FormAlert message={messages.error || setMessageStatus.error ? errorMessage(messages.error ?? setMessageStatus.error) : null} />
      {data && data.items.length === 0 && <p className="muted">No messages.</p>}
      <div className="stack">
        {data?.items.map((message) => (
          <details key={message.id} className="card message">
            <summary>
              <StatusBadge status={message.status} />
              <strong>{message.subject}</strong>
              <span className="muted">
                {message.name} · {formatDateTime(message.createdAt)}
              </span>
            </summary>
            <p className="muted">
              <a href={`mailto:${message.email}`}>{message.email}</a>
              {message.company && ` · ${message.company}`}
              {message.phone && ` · ${message.phone}`}
              {message.serviceInterest && ` · interested in ${message.serviceInterest}`}
            </p>
            <p className="pre-wrap">{message.message}</p>
            <label>
              Status{" "}
              <select
                value={message.status}
                disabled={setMessageStatus.isPending}
                onChange={(e) => setMessageStatus.mutate({ id: message.id, next: e.target.value as ContactMessageStatus })}
              >
                {messageStatuses.map((value) => (
                  <option key={value} value={value}>
                    {contactStatusLabels[value]}
                  </option>
                ))}
              </select>
            </label>
          </details>
        ))}
      </div>
      <div className="pagination">
        <button type="button" className="button button--ghost" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          ← Newer
        </button>
        <span>
          Page {page} of {pageCount}
        </span>
        <button type="button" className="button button--ghost" disabled={page >= pageCount} onClick={() => setPage(page + 1)}>
          Older →
        </button>
      </div>
    </>
  );
}

function ProjectNoteForm({ projectId, onDone }: { projectId: number; onDone: () => void }) {
  const [body, setBody] = useState("");
  const [isInternal, setIsInternal] = useState(true);
  const post = useMutation({
    mutationFn: () => apiRequest("POST", `/api/admin/client-projects/${projectId}/updates`, { body: body.trim(), isInternal }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: [`/api/client/projects/${projectId}/updates`] });
      await refresh("/api/admin/client-projects");
      onDone();
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    post.mutate();
  };
  return (
    <form className="form note-form" onSubmit={onSubmit}>
      <FormAlert message={post.isError ? errorMessage(post.error) : null} />
      <label className="visually-hidden" htmlFor={`note-${projectId}`}>
        Note
      </label>
      <textarea id={`note-${projectId}`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} required />
      <label className="checkbox">
        <input type="checkbox" checked={isInternal} onChange={(e) => setIsInternal(e.target.checked)} /> Internal note
        (the client is not emailed and should not see it)
      </label>
      <div className="actions">
        <button type="submit" className="button button--small" disabled={post.isPending || body.trim() === ""}>
          Add note
        </button>
        <button type="button" className="button button--ghost button--small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ProjectsPanel() {
  const [notingId, setNotingId] = useState<number | null>(null);
  const projects = useQuery({
    queryKey: ["/api/admin/client-projects"],
    select: (body: unknown) => unwrap<ClientProject[]>(body),
  });
  const setProjectStatus = useMutation({
    mutationFn: ({ id, next }: { id: number; next: ClientProjectStatus }) =>
      apiRequest("PATCH", `/api/admin/client-projects/${id}`, { status: next }),
    onSuccess: (_body, { id }) => {
      void queryClient.invalidateQueries({ queryKey: [`/api/client/projects/${id}`] });
      return refresh("/api/admin/client-projects");
    },
  });

  return (
    <>
      <FormAlert message={projects.error || setProjectStatus.error ? errorMessage(projects.error ?? setProjectStatus.error) : null} />
      {projects.data && projects.data.length === 0 && <p className="muted">No client projects yet.</p>}
      <div className="stack">
        {projects.data?.map((project) => (
          <div key={project.id} className="card admin-project">
            <div className="admin-project__row">
              <Link href={`/dashboard/projects/${project.id}`}>
                <strong>{project.title}</strong>
              </Link>
              <span className="muted">
                {formatMoney(project.budgetCents)} · due {formatDate(project.dueDate)} · updated {formatDate(project.updatedAt)}
              </span>
              <select
                aria-label={`Status of ${project.title}`}
                value={project.status}
                disabled={setProjectStatus.isPending}
                onChange={(e) => setProjectStatus.mutate({ id: project.id, next: e.target.value as ClientProjectStatus })}
              >
                {projectStatuses.map((value) => (
                  <option key={value} value={value}>
                    {projectStatusLabels[value]}
                  </option>
                ))}
              </select>
              {notingId !== project.id && (
                <button type="button" className="button button--ghost button--small" onClick={() => setNotingId(project.id)}>
                  Add note
                </button>
              )}
            </div>
            {notingId === project.id && <ProjectNoteForm projectId={project.id} onDone={() => setNotingId(null)} />}
          </div>
        ))}
      </div>
    </>
  );
}

function TestimonialsPanel() {
  const testimonials = useQuery({
    queryKey: ["/api/admin/testimonials"],
    select: (body: unknown) => unwrap<Testimonial[]>(body),
  });
  const approve = useMutation({
    mutationFn: ({ id, isApproved }: { id: number; isApproved: boolean }) =>
      apiRequest("PATCH", `/api/admin/testimonials/${id}`, { isApproved }),
    onSuccess: async () => {
      await refresh("/api/admin/testimonials");
      await queryClient.invalidateQueries({ queryKey: ["/api/testimonials"] });
    },
  });

  return (
    <>
      <FormAlert message={testimonials.error || approve.error ? errorMessage(testimonials.error ?? approve.error) : null} />
      <div className="stack">
        {testimonials.data?.map((testimonial) => (
          <div key={testimonial.id} className="card">
            <p>
              <StatusBadge status={testimonial.isApproved ? "approved" : "pending"} /> <strong>{testimonial.authorName}</strong>
              <span className="muted">
                {" "}
                · {"★".repeat(testimonial.rating)} · {formatDate(testimonial.createdAt)}
              </span>
            </p>
            <blockquote>{testimonial.quote}</blockquote>
            <button
              type="button"
              className={testimonial.isApproved ? "button button--ghost button--small" : "button button--small"}
              disabled={approve.isPending}
              onClick={() => approve.mutate({ id: testimonial.id, isApproved: !testimonial.isApproved })}
            >
              {testimonial.isApproved ? "Unpublish" : "Approve"}
            </button>
          </div>
        ))}
      </div>
    </>
  );
}

function SubscribersPanel() {
  const subscribers = useQuery({
    queryKey: ["/api/admin/subscribers"],
    select: (body: unknown) => unwrap<NewsletterSubscriber[]>(body),
  });
  return (
    <>
      <FormAlert message={subscribers.error ? errorMessage(subscribers.error) : null} />
      <table className="table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Name</th>
            <th>Status</th>
            <th>Subscribed</th>
          </tr>
        </thead>
        <tbody>
          {subscribers.data?.map((subscriber) => (
            <tr key={subscriber.id}>
              <td>{subscriber.email}</td>
              <td>{subscriber.name ?? "—"}</td>
              <td>
                <StatusBadge status={subscriber.status} />
              </td>
              <td>{formatDate(subscriber.subscribedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export default function Admin() {
  const [tab, setTab] = useState<Tab>("messages");
  return (
    <section className="container page">
      <h1>Studio admin</h1>
      <StatsCards />
      <div className="tabs" role="tablist">
        {tabs.map((value) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={tab === value}
            className={tab === value ? "tab is-active" : "tab"}
            onClick={() => setTab(value)}
          >
            {tabLabels[value]}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === "messages" && <MessagesPanel />}
        {tab === "projects" && <ProjectsPanel />}
        {tab === "testimonials" && <TestimonialsPanel />}
        {tab === "subscribers" && <SubscribersPanel />}
      </div>
    </section>
  );
}
