'use client';
/**
 * Second line of defence: an error that escapes the server (a failed child
 * deep in a viewlet's tree) shows the viewlet's fallback instead of taking the
 * page down.
 */
import { Component, type ReactNode } from 'react';

export interface ViewletBoundaryProps {
  /** The viewlet's name, for the browser console line. */
  name: string;
  /** Shown instead of the children once they fail. @default nothing */
  fallback?: ReactNode;
  /** The viewlet's rendered output. */
  children?: ReactNode;
}

export class ViewletBoundary extends Component<ViewletBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error(`[next-viewlet] viewlet "${this.props.name}" failed in the browser, showing its fallback:`, error);
  }

  override render(): ReactNode {
    return this.state.failed ? (this.props.fallback ?? null) : this.props.children;
  }
}
