import { Link } from "wouter";

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container site-footer__inner">
        <div>
          <p className="brand">
            Alloy<span className="brand__dot">.</span>
          </p>
          <p className="muted">A small design-and-fabrication studio. Furniture, fixtures and metalwork, drawn and built in-house.</p>
        </div>
        <nav className="site-footer__links" aria-label="Footer">
          <Link href="/services">Services</Link>
          <Link href="/portfolio">Portfolio</Link>
          <Link href="/contact">Contact</Link>
          <Link href="/book">Book a consultation</Link>
          <Link href="/dashboard">Client portal</Link>
        </nav>
      </div>
      <p className="container site-footer__legal muted">© {new Date().getFullYear()} Alloy Studio Ltd.</p>
    </footer>
  );
}
