import Link from "next/link";

/** The way back above a page's title ("← 稿件列表", "← 返回稿件"), in the pages' crumb style. */
export function BackCrumb({ href, label }: { href: string; label: string }) {
  return (
    <nav className="crumbs">
      <Link href={href}>← {label}</Link>
    </nav>
  );
}
