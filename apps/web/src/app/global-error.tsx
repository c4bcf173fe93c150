'use client';
// The last resort when even the root layout failed: its own <html>.
import './globals.css';

export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main>
          <div className="notice error" role="alert" data-testid="page-error">
            <h1>PAWS360 is having trouble</h1>
            <p>The page could not be shown. This is usually temporary.</p>
            <button type="button" onClick={() => retry()}>
              Try again
            </button>
          </div>
        </main>
      </body>
    </html>
  );
}
