import { useEffect } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { Route, Switch, useLocation } from "wouter";
import { ProtectedRoute } from "@/components/protected-route";
import { SiteFooter } from "@/components/site-footer";
import { SiteHeader } from "@/components/site-header";
import { queryClient } from "@/lib/query-client";
import Admin from "@/pages/admin";
import Book from "@/pages/book";
import ClientProject from "@/pages/client-project";
import Contact from "@/pages/contact";
import Dashboard from "@/pages/dashboard";
import Home from "@/pages/home";
import Login from "@/pages/login";
import NotFound from "@/pages/not-found";
import Portfolio from "@/pages/portfolio";
import PortfolioDetail from "@/pages/portfolio-detail";
import Profile from "@/pages/profile";
import Register from "@/pages/register";
import ServiceDetail from "@/pages/service-detail";
import Services from "@/pages/services";
import Unsubscribe from "@/pages/unsubscribe";

function ScrollToTop() {
  const [location] = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location]);
  return null;
}

function Router() {
  return (
    <Switch>
      <Route path="/" component={Home} />
      <Route path="/services" component={Services} />
      <Route path="/services/:slug" component={ServiceDetail} />
      <Route path="/portfolio" component={Portfolio} />
      <Route path="/portfolio/:slug" component={PortfolioDetail} />
      <Route path="/contact" component={Contact} />
      <Route path="/book" component={Book} />
      <Route path="/login" component={Login} />
      <Route path="/register" component={Register} />
      {/* The welcome email links to /newsletter/unsubscribe; /unsubscribe is a short alias. */}
      <Route path="/newsletter/unsubscribe" component={Unsubscribe} />
      <Route path="/unsubscribe" component={Unsubscribe} />
      <ProtectedRoute path="/dashboard" component={Dashboard} />
      <ProtectedRoute path="/dashboard/projects/:id" component={ClientProject} />
      <ProtectedRoute path="/profile" component={Profile} />
      <ProtectedRoute path="/admin" component={Admin} adminOnly />
      <Route component={NotFound} />
    </Switch>
  );
}

export default function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ScrollToTop />
      <div className="layout">
        <SiteHeader />
        <main className="layout__main">
          <Router />
        </main>
        <SiteFooter />
      </div>
    </QueryClientProvider>
  );
}
