/** fauxqs names queues http://sqs.<region>.localhost:<port>/…: resolve *.localhost to 127.0.0.1 in this process. */
import dns from 'node:dns';

type Callback = (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;

export function interceptLocalhostDns(): () => void {
  const original = dns.lookup;
  const patched = (hostname: string, options: unknown, callback?: Callback) => {
    const cb = (typeof options === 'function' ? options : callback) as Callback;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
    if (!hostname.endsWith('.localhost')) return (original as (...args: unknown[]) => void)(hostname, options, callback);
    if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  };
  (dns as { lookup: unknown }).lookup = patched;
  return () => { (dns as { lookup: unknown }).lookup = original; };
}
