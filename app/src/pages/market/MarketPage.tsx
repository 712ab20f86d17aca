export default function MarketPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>MarketPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
