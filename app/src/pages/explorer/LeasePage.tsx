export default function LeasePage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>LeasePage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
