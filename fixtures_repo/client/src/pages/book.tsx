import { Link } from "wouter";

// TODO: wire to GET /api/bookings/slots and POST /api/bookings once the backend lands (see DEVELOPMENT_MANIFEST.md §4)
export default function Book() {
  return (
    <section className="container page narrow">
      <p className="eyebrow">Consultations</p>
      <h1>Book a consultation</h1>
      <div className="card notice">
        <h2>Online booking is coming soon</h2>
        <p>
          We’re building a calendar so you can pick a 30-minute slot with a designer. Until then, use the contact form
          with a few times that suit you and we’ll confirm by email.
        </p>
        <Link href="/contact" className="button">
          Use the contact form
        </Link>
      </div>
    </section>
  );
}
