import { useQuery } from "@tanstack/react-query";
import type { PortfolioProjectWithService, Testimonial } from "@shared/schema";
import { Link, useParams } from "wouter";
import { TestimonialList } from "@/components/testimonial-list";
import { paragraphs } from "@/lib/format";
import { ApiError, errorMessage, unwrap } from "@/lib/query-client";
import NotFound from "./not-found";

type PortfolioDetailData = PortfolioProjectWithService & { testimonials: Testimonial[] };

export default function PortfolioDetail() {
  const { slug } = useParams<{ slug: string }>();
  const { data: project, isLoading, error } = useQuery({
    queryKey: [`/api/portfolio/${encodeURIComponent(slug)}`],
    select: (body: unknown) => unwrap<PortfolioDetailData>(body),
  });

  if (isLoading) {
    return <p className="container page loading">Loading…</p>;
  }
  if (error instanceof ApiError && error.status === 404) {
    return <NotFound />;
  }
  if (error || !project) {
    return <p className="container page alert alert--error">{errorMessage(error)}</p>;
  }

  return (
    <article className="container page">
      <Link href="/portfolio" className="back-link">
        ← All projects
      </Link>
      <header className="narrow">
        <p className="eyebrow">
          {project.year}
          {project.clientName && ` · ${project.clientName}`}
        </p>
        <h1>{project.title}</h1>
        <p className="lead">{project.summary}</p>
      </header>
      {project.coverImageUrl && <img className="cover" src={project.coverImageUrl} alt={project.title} />}
      <div className="detail-layout">
        <div>
          {paragraphs(project.body).map((text, index) => (
            <p key={index}>{text}</p>
          ))}
        </div>
        <aside className="card">
          {project.service && (
            <>
              <h3>Service</h3>
              <p>
                <Link href={`/services/${project.service.slug}`}>{project.service.name}</Link>
              </p>
            </>
          )}
          {project.materials.length > 0 && (
            <>
              <h3>Materials</h3>
              <ul className="chips chips--static">
                {project.materials.map((material) => (
                  <li key={material} className="chip">
                    {material}
                  </li>
                ))}
              </ul>
            </>
          )}
          <Link href="/contact" className="button">
            Start something similar
          </Link>
        </aside>
      </div>
      {project.testimonials.length > 0 && (
        <section className="section narrow">
          <h2>From the client</h2>
          <TestimonialList testimonials={project.testimonials} />
        </section>
      )}
    </article>
  );
}
