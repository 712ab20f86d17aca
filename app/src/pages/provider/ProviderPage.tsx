export default function ProviderPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>ProviderPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
