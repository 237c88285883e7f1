import { useQuery } from "@tanstack/react-query";
import type { Service } from "@shared/schema";
import { Link, useParams } from "wouter";
import { categoryLabels, formatMoney, paragraphs } from "@/lib/format";
import { ApiError, errorMessage, unwrap } from "@/lib/query-client";
import NotFound from "./not-found";

export default function ServiceDetail() {
  const { slug } = useParams<{ slug: string }>();
  const { data: service, isLoading, error } = useQuery({
    queryKey: [`/api/services/${encodeURIComponent(slug)}`],
    select: (body: unknown) => unwrap<Service>(body),
  });

  if (isLoading) {
    return <p className="container page loading">Loading…</p>;
  }
  if (error instanceof ApiError && error.status === 404) {
    return <NotFound />;
  }
  if (error || !service) {
    return <p className="container page alert alert--error">{errorMessage(error)}</p>;
  }

  return (
    <article className="container page narrow">
      <Link href="/services" className="back-link">
        ← All services
      </Link>
      <p className="eyebrow">{categoryLabels[service.category]}</p>
      <h1>{service.name}</h1>
      <p className="lead">{service.summary}</p>
      <dl className="facts facts--inline">
        <div>
          <dt>Starting from</dt>
          <dd>{service.startingPriceCents !== null ? formatMoney(service.startingPriceCents) : "Quoted per project"}</dd>
        </div>
        {service.leadTimeWeeks !== null && (
          <div>
            <dt>Typical lead time</dt>
            <dd>{service.leadTimeWeeks} weeks</dd>
          </div>
        )}
      </dl>
      {paragraphs(service.description).map((text, index) => (
        <p key={index}>{text}</p>
      ))}
      <div className="actions">
        <Link href={`/contact?service=${encodeURIComponent(service.slug)}`} className="button">
          Ask about {service.name.toLowerCase()}
        </Link>
        <Link href={`/portfolio?service=${encodeURIComponent(service.slug)}`} className="button button--ghost">
          Related work
        </Link>
      </div>
    </article>
  );
}
