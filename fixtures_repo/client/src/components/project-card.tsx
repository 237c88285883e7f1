import type { PortfolioProject } from "@shared/schema";
import { Link } from "wouter";

export function ProjectCard({ project }: { project: PortfolioProject }) {
  return (
    <article className="card project-card">
      <Link href={`/portfolio/${project.slug}`} className="project-card__media" aria-hidden="true" tabIndex={-1}>
        {project.coverImageUrl ? (
          <img src={project.coverImageUrl} alt="" loading="lazy" />
        ) : (
          <span className="project-card__placeholder">{project.title.charAt(0)}</span>
        )}
      </Link>
      <div className="project-card__body">
        <p className="eyebrow">
          {project.year}
          {project.clientName && ` · ${project.clientName}`}
        </p>
        <h3>
          <Link href={`/portfolio/${project.slug}`}>{project.title}</Link>
        </h3>
        <p>{project.summary}</p>
        {project.materials.length > 0 && (
          <ul className="chips chips--static">
            {project.materials.map((material) => (
              <li key={material} className="chip">
                {material}
              </li>
            ))}
          </ul>
        )}
      </div>
    </article>
  );
}
