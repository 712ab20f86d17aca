export default function BuyerPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>BuyerPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
