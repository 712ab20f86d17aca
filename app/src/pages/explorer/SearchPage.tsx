export default function SearchPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>SearchPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
