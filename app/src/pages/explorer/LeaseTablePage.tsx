export default function LeaseTablePage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>LeaseTablePage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
