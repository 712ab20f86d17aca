export default function ExplorerPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>ExplorerPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
