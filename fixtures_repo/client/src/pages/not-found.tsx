import { Link } from "wouter";

export default function NotFound() {
  return (
    <section className="container page narrow">
      <p className="eyebrow">404</p>
      <h1>We couldn’t find that page</h1>
      <p className="lead">It may have moved, or the link may be mistyped.</p>
      <div className="actions">
        <Link href="/" className="button">
          Go to the homepage
        </Link>
        <Link href="/contact" className="button button--ghost">
          Contact the studio
        </Link>
      </div>
    </section>
  );
}
