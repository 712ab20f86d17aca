export default function RentPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>RentPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
