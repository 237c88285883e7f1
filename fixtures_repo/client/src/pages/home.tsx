import { useQuery } from "@tanstack/react-query";
import type { PortfolioProject, Testimonial } from "@shared/schema";
import { Link } from "wouter";
import { NewsletterForm } from "@/components/newsletter-form";
import { ProjectCard } from "@/components/project-card";
import { TestimonialList } from "@/components/testimonial-list";
import { unwrap } from "@/lib/query-client";

export default function Home() {
  const featured = useQuery({
    queryKey: ["/api/portfolio", { featured: "true" }],
    select: (body: unknown) => unwrap<PortfolioProject[]>(body),
  });
  // GET /api/testimonials still answers a bare array (BUG-011); unwrap passes it through.
  const testimonials = useQuery({
    queryKey: ["/api/testimonials"],
    select: (body: unknown) => unwrap<Testimonial[]>(body),
  });

  return (
    <>
      <section className="hero">
        <div className="container">
          <p className="eyebrow">Design &amp; fabrication studio</p>
          <h1>Objects drawn, welded and finished under one roof.</h1>
          <p className="hero__lead">
            Alloy designs and builds furniture, shop fittings and architectural metalwork for homes, restaurants and
            retailers. One team from the first sketch to installation.
          </p>
          <div className="actions">
            <Link href="/book" className="button">
              Book a consultation
            </Link>
            <Link href="/portfolio" className="button button--ghost">
              See our work
            </Link>
          </div>
        </div>
      </section>

      <section className="container section">
        <div className="section__header">
          <h2>Featured work</h2>
          <Link href="/portfolio">All projects →</Link>
        </div>
        {featured.isLoading && <p className="loading">Loading projects…</p>}
        {featured.isError && <p className="muted">Our portfolio is unavailable right now.</p>}
        {featured.data && (
          <div className="grid grid--3">
            {featured.data.slice(0, 6).map((project) => (
              <ProjectCard key={project.id} project={project} />
            ))}
          </div>
        )}
      </section>

      {testimonials.data && testimonials.data.length > 0 && (
        <section className="section section--tinted">
          <div className="container narrow">
            <h2>What clients say</h2>
            <TestimonialList testimonials={testimonials.data} variant="carousel" />
          </div>
        </section>
      )}

      <section className="container section narrow">
        <h2>Studio notes</h2>
        <p className="muted">A short email every couple of months: new work, materials we like, open workshop days.</p>
        <NewsletterForm />
      </section>
    </>
  );
}
