import { useMutation, useQuery } from "@tanstack/react-query";
import type { SafeUser } from "@shared/schema";
import { apiRequest, getQueryFn, queryClient, unwrap } from "@/lib/query-client";

export const AUTH_USER_KEY = ["/api/auth/user"] as const;

export interface LoginInput {
  email: string;
  password: string;
}

export interface RegisterInput extends LoginInput {
  firstName: string;
  lastName: string;
  company?: string;
}

// Signed-in data that must not survive a sign-out or a switch of account.
function clearPrivateQueries(): void {
  queryClient.removeQueries({
    predicate: (query) => {
      const [url] = query.queryKey;
      return typeof url === "string" && /^\/api\/(client|admin|profile)/.test(url);
    },
  });
}

export function useAuth() {
  // /api/auth/user answers the bare user, or 401 when signed out.
  const userQuery = useQuery({
    queryKey: AUTH_USER_KEY,
    queryFn: getQueryFn({ on401: "returnNull" }),
    select: (body: unknown) => (body === null ? null : unwrap<SafeUser>(body)),
    staleTime: 5 * 60_000,
    retry: false,
  });

  const loginMutation = useMutation({
    mutationFn: (input: LoginInput) => apiRequest("POST", "/api/login", input),
    onSuccess: async () => {
      clearPrivateQueries();
      // Login answers a partial session user, so fetch the full profile.
      await queryClient.invalidateQueries({ queryKey: AUTH_USER_KEY });
    },
  });

  const registerMutation = useMutation({
    mutationFn: (input: RegisterInput) => apiRequest("POST", "/api/register", input),
    onSuccess: (body) => {
      clearPrivateQueries();
      queryClient.setQueryData(AUTH_USER_KEY, unwrap<SafeUser>(body));
    },
  });

  const logoutMutation = useMutation({
    mutationFn: () => apiRequest("POST", "/api/logout"),
    onSuccess: () => {
      clearPrivateQueries();
      queryClient.setQueryData(AUTH_USER_KEY, null);
    },
  });

  const user = userQuery.data ?? null;
  return {
    user,
    isLoading: userQuery.isLoading,
    isAdmin: user?.role === "admin",
    loginMutation,
    registerMutation,
    logoutMutation,
  };
}
