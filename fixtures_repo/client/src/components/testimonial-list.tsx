import { useEffect, useState } from "react";
import type { Testimonial } from "@shared/schema";

function Stars({ rating }: { rating: number }) {
  return (
    <span className="stars" aria-label={`${rating} out of 5`}>
      {"★".repeat(rating)}
      <span className="stars__empty">{"★".repeat(Math.max(0, 5 - rating))}</span>
    </span>
  );
}

function TestimonialQuote({ testimonial }: { testimonial: Testimonial }) {
  const byline = [testimonial.authorTitle, testimonial.company].filter(Boolean).join(", ");
  return (
    <figure className="testimonial">
      <Stars rating={testimonial.rating} />
      <blockquote>“{testimonial.quote}”</blockquote>
      <figcaption>
        <strong>{testimonial.authorName}</strong>
        {byline && <span className="muted"> — {byline}</span>}
      </figcaption>
    </figure>
  );
}

interface TestimonialListProps {
  testimonials: Testimonial[];
  /** "carousel" shows one at a time and rotates; "list" shows them all. */
  variant?: "carousel" | "list";
  intervalMs?: number;
}

export function TestimonialList({ testimonials, variant = "list", intervalMs = 8000 }: TestimonialListProps) {
  const [index, setIndex] = useState(0);
  const [paused, setPaused] = useState(false);
  const count = testimonials.length;

  useEffect(() => {
    if (variant !== "carousel" || paused || count < 2) {
      return;
    }
    const timer = window.setInterval(() => setIndex((current) => (current + 1) % count), intervalMs);
    return () => window.clearInterval(timer);
  }, [variant, paused, count, intervalMs]);

  if (count === 0) {
    return null;
  }
  if (variant === "list") {
    return (
      <div className="testimonial-list">
        {testimonials.map((testimonial) => (
          <TestimonialQuote key={testimonial.id} testimonial={testimonial} />
        ))}
      </div>
    );
  }

  const current = testimonials[index % count];
  const step = (delta: number) => setIndex((value) => (value + delta + count) % count);
  return (
    <div
      className="carousel"
      aria-roledescription="carousel"
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <div aria-live="polite">
        <TestimonialQuote testimonial={current} />
      </div>
      {count > 1 && (
        <div className="carousel__controls">
          <button type="button" className="button button--ghost" onClick={() => step(-1)} aria-label="Previous testimonial">
            ←
          </button>
          <span className="muted">
            {(index % count) + 1} / {count}
          </span>
          <button type="button" className="button button--ghost" onClick={() => step(1)} aria-label="Next testimonial">
            →
          </button>
        </div>
      )}
    </div>
  );
}
