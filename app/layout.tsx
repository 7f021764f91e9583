import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import "./deskFlow.css";

export const metadata: Metadata = {
  title: "红网编辑台",
  description: "记者与编辑协同写稿、审稿、签发",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="zh-CN">
      <body>{children}</body>
    </html>
  );
}
