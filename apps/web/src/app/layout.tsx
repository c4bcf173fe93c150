import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'PAWS360', template: '%s · PAWS360' },
  description: 'PAWS360 student information system',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="masthead">
          <Link href="/" className="brand">
            PAWS360
          </Link>
          <nav>
            <Link href="/">Students</Link>
            <Link href="/courses">Courses</Link>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
