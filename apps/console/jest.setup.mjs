/* global window */
// What jsdom lacks and the console's libraries use: TextEncoder (react-router), media queries
// (antd's responsive grid) and element resize observation.
import { TextDecoder, TextEncoder } from 'node:util';

globalThis.TextEncoder ??= TextEncoder;
globalThis.TextDecoder ??= TextDecoder;

/**
 * MessageChannel (antd's form and select components post through one) as two ports that deliver
 * on a timer of the test environment: Node's own ports, once listened to, hold the process open,
 * and jest runs in band on a 2-core machine, so the whole test run would never exit.
 */
class TimerMessageChannel {
  constructor() {
    const port = () => ({
      onmessage: null,
      start() {},
      close() {
        this.onmessage = null;
      },
      addEventListener(type, listener) {
        if (type === 'message') this.onmessage = listener;
      },
      removeEventListener(type) {
        if (type === 'message') this.onmessage = null;
      },
    });
    this.port1 = port();
    this.port2 = port();
    this.port1.postMessage = (data) => setTimeout(() => this.port2.onmessage?.({ data }), 0);
    this.port2.postMessage = (data) => setTimeout(() => this.port1.onmessage?.({ data }), 0);
  }
}
globalThis.MessageChannel ??= TimerMessageChannel;

// jsdom computes no style of pseudo-elements (antd asks for the scrollbar's): the element's instead.
const computedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element) => computedStyle(element);

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});

class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver ??= NoResizeObserver;
