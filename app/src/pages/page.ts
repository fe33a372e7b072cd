/** A page: its element, and a refresh the shell calls on a timer and after each transaction. */
export interface Page {
  el: HTMLElement;
  refresh(): Promise<void>;
}
