export default function AddressPage(_: { params: Record<string, string> }) {
  return (
    <section>
      <h1>AddressPage</h1>
      <p className="muted">Not built yet.</p>
    </section>
  );
}
