// Auth integration. Generated from the platform's auth template and adapted to run
// without the hosted identity provider (local email + password sign-in).
// Changes here need approval from the Lead Developer.
export { getSession, isAuthenticated, setupAuth } from "./replitAuth";
export { authStorage, type IAuthStorage } from "./storage";
export { registerAuthRoutes } from "./routes";
export { hashPassword, verifyPassword } from "./password";
