import type { MouseEvent, ReactNode } from 'react';
import { navigate } from './router.js';

/** An in-app link: a real href (keyboard, new tab), navigated without reload. */
export function Link(props: { to: string; children: ReactNode }) {
  const go = (e: MouseEvent) => {
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} onClick={go}>
      {props.children}
    </a>
  );
}
