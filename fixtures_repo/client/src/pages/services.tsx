import { useQuery } from "@tanstack/react-query";
import type { Service, ServiceCategory } from "@shared/schema";
import { ServiceCard } from "@/components/service-card";
import { categoryLabels } from "@/lib/format";
import { errorMessage, unwrap } from "@/lib/query-client";

const categoryOrder: ServiceCategory[] = ["design", "fabrication", "consulting"];

export default function Services() {
  const { data: services, isLoading, error } = useQuery({
    queryKey: ["/api/services"],
    // The API should only list active services; filter here as well so a retired one never shows.
    select: (body: unknown) => unwrap<Service[]>(body).filter((service) => service.isActive),
  });

  return (
    <section className="container page">
      <h1>Services</h1>
      <p className="lead">Pick one, or combine them: most projects start with design and end on the workshop floor.</p>
      {isLoading && <p className="loading">Loading services…</p>}
      {error && <p className="alert alert--error">{errorMessage(error)}</p>}
      {services &&
        categoryOrder.map((category) => {
          const inCategory = services.filter((service) => service.category === category);
          if (inCategory.length === 0) {
            return null;
          }
          return (
            <div key={category} className="section">
              <h2>{categoryLabels[category]}</h2>
              <div className="grid grid--3">
                {inCategory.map((service) => (
                  <ServiceCard key={service.id} service={service} />
                ))}
              </div>
            </div>
          );
        })}
    </section>
  );
}
