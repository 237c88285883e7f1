import { statusLabel } from "@/lib/format";

interface StatusBadgeProps {
  status: string;
  label?: string;
}

export function StatusBadge({ status, label }: StatusBadgeProps) {
  return <span className={`badge badge--${status.replace(/_/g, "-")}`}>{label ?? statusLabel(status)}</span>;
}
