import { useQuery } from "@tanstack/react-query";
import type { PortfolioProject, Service } from "@shared/schema";
import { Link, useSearch } from "wouter";
import { ProjectCard } from "@/components/project-card";
import { errorMessage, unwrap } from "@/lib/query-client";

export default function Portfolio() {
  const selected = new URLSearchParams(useSearch()).get("service") ?? "";

  const filters = useQuery({
    queryKey: ["/api/portfolio/services"],
    select: (body: unknown) => unwrap<Service[]>(body),
  });
  const projects = useQuery({
    queryKey: ["/api/portfolio", { service: selected }],
    select: (body: unknown) => unwrap<PortfolioProject[]>(body),
  });

  // The API currently ignores ?service= (see report), so narrow the list here as well.
  // Harmless once the server filters: every returned project already matches.
  const selectedService = filters.data?.find((service) => service.slug === selected);
  const visible = selectedService
    ? projects.data?.filter((project) => project.serviceId === selectedService.id)
    : projects.data;

  return (
    <section className="container page">
      <h1>Portfolio</h1>
      <p className="lead">A selection of recent commissions, from single pieces to full fit-outs.</p>

      {filters.data && filters.data.length > 0 && (
        <nav className="chips" aria-label="Filter by service">
          <Link href="/portfolio" className={selected ? "chip" : "chip is-active"}>
            All
          </Link>
          {filters.data.map((service) => (
            <Link
              key={service.id}
              href={`/portfolio?service=${encodeURIComponent(service.slug)}`}
              className={service.slug === selected ? "chip is-active" : "chip"}
            >
              {service.name}
            </Link>
          ))}
        </nav>
      )}

      {projects.isLoading && <p className="loading">Loading projects…</p>}
      {projects.error && <p className="alert alert--error">{errorMessage(projects.error)}</p>}
      {visible && visible.length === 0 && <p className="muted">No published projects for this service yet.</p>}
      {visible && visible.length > 0 && (
        <div className="grid grid--3">
          {visible.map((project) => (
            <ProjectCard key={project.id} project={project} />
          ))}
        </div>
      )}
    </section>
  );
}
