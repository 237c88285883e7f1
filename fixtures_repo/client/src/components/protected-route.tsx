import type { ComponentType } from "react";
import { Link, Redirect, Route } from "wouter";
import { useAuth } from "@/hooks/use-auth";

interface ProtectedRouteProps {
  path: string;
  component: ComponentType;
  adminOnly?: boolean;
}

/** A route for signed-in users; signed-out visitors go to /login and come back afterwards. */
export function ProtectedRoute({ path, component: Component, adminOnly = false }: ProtectedRouteProps) {
  const { user, isLoading, isAdmin } = useAuth();

  return (
    <Route path={path}>
      {() => {
        if (isLoading) {
          return <p className="container loading">Loading…</p>;
        }
        if (!user) {
          const next = encodeURIComponent(window.location.pathname + window.location.search);
          return <Redirect to={`/login?next=${next}`} replace />;
        }
        if (adminOnly && !isAdmin) {
          return (
            <section className="container page narrow">
              <h1>Studio staff only</h1>
              <p>This area is for the Alloy team. Your projects live in your dashboard.</p>
              <Link href="/dashboard" className="button">
                Go to my dashboard
              </Link>
            </section>
          );
        }
        return <Component />;
      }}
    </Route>
  );
}
