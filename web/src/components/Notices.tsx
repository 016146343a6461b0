// Shows app-wide notices (e.g. an error no page handled) in a live region, each dismissable.
import { useSyncExternalStore } from 'react';
import { noticeStore } from '../lib/notices.ts';

export function Notices() {
  const notices = useSyncExternalStore(noticeStore.subscribe, noticeStore.get);
  if (!notices.length) return null;
  return (
    <div className="notices" role="alert">
      {notices.map((n) => (
        <div key={n.id} className="notice">
          <span>{n.message}</span>
          <button type="button" aria-label="Dismiss message" onClick={() => noticeStore.dismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
