import { useState } from "react";
import { Link, useLocation } from "wouter";
import { useAuth } from "@/hooks/use-auth";

const publicLinks = [
  { href: "/services", label: "Services" },
  { href: "/portfolio", label: "Portfolio" },
  { href: "/contact", label: "Contact" },
];

export function SiteHeader() {
  const [location, navigate] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const { user, isAdmin, logoutMutation } = useAuth();

  const linkClass = (href: string) => (location === href || location.startsWith(`${href}/`) ? "nav__link is-active" : "nav__link");
  const closeMenu = () => setMenuOpen(false);

  const signOut = () => {
    logoutMutation.mutate(undefined, {
      onSuccess: () => {
        closeMenu();
        navigate("/");
      },
    });
  };

  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link href="/" className="brand" onClick={closeMenu}>
          Alloy<span className="brand__dot">.</span>
        </Link>
        <button
          type="button"
          className="nav-toggle"
          aria-expanded={menuOpen}
          aria-controls="site-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <nav id="site-nav" className={menuOpen ? "nav is-open" : "nav"} aria-label="Main">
          {publicLinks.map((link) => (
            <Link key={link.href} href={link.href} className={linkClass(link.href)} onClick={closeMenu}>
              {link.label}
            </Link>
          ))}
          <Link href="/book" className="button button--small" onClick={closeMenu}>
            Book a consultation
          </Link>
          {user ? (
            <>
              <Link href="/dashboard" className={linkClass("/dashboard")} onClick={closeMenu}>
                Dashboard
              </Link>
              {isAdmin && (
                <Link href="/admin" className={linkClass("/admin")} onClick={closeMenu}>
                  Admin
                </Link>
              )}
              <Link href="/profile" className={linkClass("/profile")} onClick={closeMenu}>
                Profile
              </Link>
              <button type="button" className="nav__link link-button" onClick={signOut} disabled={logoutMutation.isPending}>
                Sign out
              </button>
            </>
          ) : (
            <Link href="/login" className={linkClass("/login")} onClick={closeMenu}>
              Sign in
            </Link>
          )}
        </nav>
      </div>
    </header>
  );
}
