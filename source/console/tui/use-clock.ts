/**
 * The time, for what shows ages (a connection's idle time): it moves once a second on the
 * second, and only while `active`, so that a screen showing no age is never redrawn for it.
 */
import {useEffect, useState} from 'react';

export function useClock(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    let timer: NodeJS.Timeout;
    const tick = () => {
      const at = Date.now();
      setNow(at);
      // On the boundary, so that every age on screen moves in the same redraw.
      timer = setTimeout(tick, intervalMs - (at % intervalMs));
    };
    tick();
    return () => clearTimeout(timer);
  }, [active, intervalMs]);
  return now;
}
