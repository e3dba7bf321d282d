// pgpass 1.x (the module pg itself reads ~/.pgpass with) ships no types
declare module 'pgpass' {
  function pgpass(connInfo: { host?: string; port?: number | string; database?: string; user?: string }, cb: (password: string | undefined) => void): void;
  export default pgpass;
}
