import type { Service } from "@shared/schema";
import { Link } from "wouter";
import { categoryLabels, formatMoney } from "@/lib/format";

export function ServiceCard({ service }: { service: Service }) {
  return (
    <article className="card service-card">
      <p className="eyebrow">{categoryLabels[service.category]}</p>
      <h3>
        <Link href={`/services/${service.slug}`}>{service.name}</Link>
      </h3>
      <p>{service.summary}</p>
      <dl className="facts">
        {service.startingPriceCents !== null && (
          <div>
            <dt>From</dt>
            <dd>{formatMoney(service.startingPriceCents)}</dd>
          </div>
        )}
        {service.leadTimeWeeks !== null && (
          <div>
            <dt>Lead time</dt>
            <dd>
              {service.leadTimeWeeks} {service.leadTimeWeeks === 1 ? "week" : "weeks"}
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}
