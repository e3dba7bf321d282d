/** A real "not found" page: an address that is no screen, or a study the open study file does not hold. */
import { routeHash } from '../state';

export function NotFoundScreen({ study, dbPath }: { study?: string; dbPath?: string | null }) {
  return (
    <section data-testid="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{study ? 'No such study' : 'Page not found'}</h1>
      {study ? (
        <p>
          There is no study named <b>{study}</b>
          {dbPath ? (
            <>
              {' '}
              in <code>{dbPath}</code>
            </>
          ) : null}
          . It may have been made in another study file: open that file from the Studies screen.
        </p>
      ) : (
        <p>
          Nothing lives at this address (<code>{window.location.pathname + window.location.hash}</code>). Check it for typing mistakes, or go on from one of these:
        </p>
      )}
      <ul>
        <li>
          <a href={pageUrl(routeHash({ screen: 'studies', study: null, trial: null, budget: null }))}>Your studies</a>
        </li>
        <li>
          <a href={pageUrl(routeHash({ screen: 'wizard', study: null, trial: null, budget: null }))}>Start a new study</a>
        </li>
      </ul>
    </section>
  );
}

/** The app's own page with the given hash, keeping the query (the `ecopt serve` token). */
function pageUrl(hash: string): string {
  return window.location.protocol === 'file:' ? hash : `/${window.location.search}${hash}`;
}
