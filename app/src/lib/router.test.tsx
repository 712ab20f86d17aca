import { describe, expect, it } from "vitest";
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { lazy, Suspense, type ComponentType } from "react";
import { Link, RouterProvider, useNavigationPending, useRouter } from "./router.tsx";

/** A lazily loaded page whose code "arrives" when the test says so. */
function deferredPage() {
  let arrive!: () => void;
  const loaded = new Promise<{ default: ComponentType }>((resolve) => {
    arrive = () => resolve({ default: () => <h1>Second page</h1> });
  });
  return { Page: lazy(() => loaded), arrive };
}

function Shell({ Second }: { Second: ComponentType }) {
  const { pathname } = useRouter();
  const pending = useNavigationPending();
  return (
    <>
      <p>{pending ? "loading" : "idle"}</p>
      <Link to="/second">Go</Link>
      <Suspense fallback={<p>Fallback</p>}>
        {pathname === "/second" ? <Second /> : <h1>First page</h1>}
      </Suspense>
    </>
  );
}

describe("the router", () => {
  it("keeps the current page, marked pending, until the next page's code has loaded (no fallback)", async () => {
    window.history.replaceState(null, "", "/");
    const { Page, arrive } = deferredPage();
    render(
      <RouterProvider>
        <Shell Second={Page} />
      </RouterProvider>,
    );
    await userEvent.click(screen.getByRole("link", { name: "Go" }));
    expect(window.location.pathname).toBe("/second");
    expect(screen.getByRole("heading").textContent).toBe("First page");
    expect(screen.getByText("loading")).toBeTruthy();
    expect(screen.queryByText("Fallback")).toBeNull();

    await act(async () => arrive());
    expect((await screen.findByRole("heading", { name: "Second page" })).textContent).toBe(
      "Second page",
    );
    expect(screen.getByText("idle")).toBeTruthy();
  });

  it("applies a replace (new query parameters on the same page) at once", async () => {
    window.history.replaceState(null, "", "/");
    function Filter() {
      const { search, navigate } = useRouter();
      const pending = useNavigationPending();
      return (
        <button onClick={() => navigate("/?gpu=H100", { replace: true })}>
          {search || "none"} {String(pending)}
        </button>
      );
    }
    render(
      <RouterProvider>
        <Filter />
      </RouterProvider>,
    );
    await userEvent.click(screen.getByRole("button"));
    expect(screen.getByRole("button").textContent).toBe("?gpu=H100 false");
  });
});
