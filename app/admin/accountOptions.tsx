import type { Role } from "@/newsroom/roles";

/** Every role as an `<option>` of a role picker, under the name the desk uses for it. */
export function RoleOptions({ roleNames }: { roleNames: Record<Role, string> }) {
  return (Object.keys(roleNames) as Role[]).map((role) => (
    <option key={role} value={role}>
      {roleNames[role]}
    </option>
  ));
}

/** The byline labels a role may sign with, as the `<option>`s of a label picker. */
export function LabelOptions({ labels }: { labels: readonly string[] }) {
  return labels.map((label) => <option key={label}>{label}</option>);
}
