// App-wide notices (a failure nothing else showed, e.g. an unhandled promise): a tiny store.
export interface Notice { id: number; message: string }

let notices: Notice[] = [];
let next = 1;
const listeners = new Set<() => void>();
const emit = () => { for (const l of listeners) l(); };

export const noticeStore = {
  get: () => notices,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  push(message: string) {
    if (notices.some((n) => n.message === message)) return;
    notices = [...notices, { id: next++, message }];
    emit();
  },
  dismiss(id: number) {
    notices = notices.filter((n) => n.id !== id);
    emit();
  },
};
