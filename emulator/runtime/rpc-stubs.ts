/**
 * The three kinds of RPC stub, the reference side of the membrane: what a function, an `RpcTarget` or a worker
 * entrypoint (`ServiceTarget`) becomes in a realm that does not own it. As in workerd, a stub is not thenable, but
 * `await stub.prop` reads a property remotely; only prototype members below `RpcTarget` are reachable; `using` and
 * `Symbol.dispose` are accepted and do nothing; `dup()` gives another stub of the same target (stubs are never
 * disposed here, so a kept stub and its duplicate behave alike).
 */
import { type Realm, rpcTargetBase } from "./realm.ts";

/** A worker entrypoint reached through a binding: a loopback `ctx.exports.X(...)`, a loader stub's entrypoint. */
export interface ServiceTarget {
  readonly label: string;
  /** Calls `member` with arguments that live in `caller`; resolves to a value that lives in `caller`. */
  call(member: string, args: unknown[], caller: Realm): Promise<unknown>;
  /** Reads property `member` of the entrypoint. */
  read(member: string, caller: Realm): Promise<unknown>;
  /** Properties the stub has at once, not over RPC (a Durable Object stub's `id` and `name`). */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export type StubInfo =
  | { kind: "function"; target: (...args: unknown[]) => unknown; owner: Realm }
  | { kind: "object"; target: object; owner: Realm }
  | { kind: "service"; target: ServiceTarget };

const stubs = new WeakMap<object, StubInfo>();

/** What `value` is a stub of, or undefined if it is not a stub. */
export function stubInfoOf(value: object): StubInfo | undefined {
  return stubs.get(value);
}

export function isStub(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null && stubs.has(value);
}

export function serviceTargetOf(value: unknown): ServiceTarget | undefined {
  const info = typeof value === "object" || typeof value === "function" ? stubs.get(value as object) : undefined;
  return info?.kind === "service" ? info.target : undefined;
}

/**
 * How a stub's call reaches the realm that owns its target: `sendArgs` and `invoke` of invoke.ts, which connects
 * them when it loads. They are not imported: invoke.ts brings results back with `transfer`, and `transfer` makes
 * stubs, so importing them would close a circle of modules (the membrane is recursive; its modules are not).
 */
export interface StubCalls {
  sendArgs(
    args: unknown[],
    caller: Realm,
    owner: Realm,
  ): { ok: true; args: unknown[] } | { ok: false; error: Promise<never> };
  invoke(owner: Realm, caller: Realm, thunk: () => unknown): Promise<unknown>;
}

let calls: StubCalls = {
  sendArgs: notConnected,
  invoke: notConnected,
};

function notConnected(): never {
  throw new Error("Internal error: an RPC stub was called before runtime/invoke.ts was loaded.");
}

export function connectStubs(path: StubCalls): void {
  calls = path;
}

/** A stub received back in some realm: the target itself in its owner, a new stub of it anywhere else. */
export function rebindStub(info: StubInfo, caller: Realm): unknown {
  switch (info.kind) {
    case "function":
      return info.owner === caller ? info.target : functionStub(info.target, info.owner, caller);
    case "object":
      return info.owner === caller ? info.target : objectStub(info.target, info.owner, caller);
    case "service":
      return serviceStub(info.target, caller);
  }
}

/*
 * Why stubs are built from classes and precompiled factories rather than closures: stubs are made for every call
 * that crosses a realm, and under tsx (npm start, fuzz, bench) esbuild's keepNames wraps every named closure in
 * `__name(fn, "x")`, a defineProperty that turns each one into a dictionary-mode function (~300 bytes and a slow
 * path). Prototype methods and functions compiled by `new Function` are not wrapped. Shapes seen by worker code are
 * unchanged: a fresh callable target per stub, named as before.
 */
const stubTarget = {
  function: new Function("return function rpcFunctionStub() {}") as () => () => void,
  object: new Function("return function rpcObjectStub() {}") as () => () => void,
  service: new Function("return function rpcServiceStub() {}") as () => () => void,
};

class FunctionStubHandler {
  constructor(
    private readonly fn: (...args: unknown[]) => unknown,
    private readonly owner: Realm,
    private readonly caller: Realm,
  ) {}

  apply(_target: unknown, _this: unknown, args: unknown[]): unknown {
    const sent = calls.sendArgs(args, this.caller, this.owner);
    if (!sent.ok) return sent.error;
    const fn = this.fn;
    return calls.invoke(this.owner, this.caller, () => fn(...sent.args));
  }

  get(target: object, prop: string | symbol): unknown {
    if (prop === "dup") return () => functionStub(this.fn, this.owner, this.caller);
    return prop === "then" ? undefined : Reflect.get(target, prop);
  }
}

export function functionStub(fn: (...args: unknown[]) => unknown, owner: Realm, caller: Realm): unknown {
  const stub = new Proxy(stubTarget.function(), new FunctionStubHandler(fn, owner, caller) as ProxyHandler<() => void>);
  stubs.set(stub, { kind: "function", target: fn, owner });
  return stub;
}

/** Members of an RpcTarget reachable over RPC: those on prototypes below the RpcTarget base, never own fields. */
function reachable(target: object, member: string): boolean {
  const base = rpcTargetBase(target);
  for (let proto = Object.getPrototypeOf(target); proto && proto !== base; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, member)) return true;
  }
  return false;
}

/**
 * How each member function reads its property (`await stub.p`); see MEMBER_PROTOTYPE. A symbol-keyed property,
 * not a WeakMap: members are made on every property read of a stub, and a WeakMap entry each cost ~8x more.
 */
const MEMBER_READ = Symbol("rpc member read");

/**
 * `then` of every member function, inherited rather than an own property: one shared method instead of a closure
 * and a property store per member (members are made on every property read of a stub).
 */
const MEMBER_PROTOTYPE: object = Object.create(Function.prototype, {
  then: {
    value(this: object, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      return (this as { [MEMBER_READ]: () => Promise<unknown> })[MEMBER_READ]().then(onFulfilled, onRejected);
    },
    writable: true,
    configurable: true,
  },
});

/** A callable that is also awaitable: `stub.m(...)` calls the method, `await stub.p` reads the property. */
function member(call: (args: unknown[]) => Promise<unknown>, read: () => Promise<unknown>): unknown {
  const fn = Object.setPrototypeOf((...args: unknown[]) => call(args), MEMBER_PROTOTYPE) as { [MEMBER_READ]: unknown };
  fn[MEMBER_READ] = read;
  return fn;
}

class ObjectStubHandler {
  constructor(
    private readonly target: object,
    private readonly owner: Realm,
    private readonly caller: Realm,
  ) {}

  apply(): never {
    throw new TypeError("An RPC stub of an object is not callable.");
  }

  get(_t: unknown, prop: string | symbol): unknown {
    if (prop === "then" || typeof prop === "symbol") return symbolMember(prop);
    const { target, owner, caller } = this;
    if (prop === "dup") return () => objectStub(target, owner, caller);
    return member(
      (args) => {
        const sent = calls.sendArgs(args, caller, owner);
        if (!sent.ok) return sent.error;
        return calls.invoke(owner, caller, () => {
          if (!reachable(target, prop))
            throw new TypeError(`The RPC receiver does not implement the method "${prop}".`);
          const method = (target as Record<string, unknown>)[prop];
          if (typeof method !== "function") throw new TypeError(`"${prop}" is not a method of the RPC receiver.`);
          return method.apply(target, sent.args);
        });
      },
      () =>
        calls.invoke(owner, caller, () =>
          reachable(target, prop) ? (target as Record<string, unknown>)[prop] : undefined,
        ),
    );
  }
}

export function objectStub(target: object, owner: Realm, caller: Realm): unknown {
  const stub = new Proxy(stubTarget.object(), new ObjectStubHandler(target, owner, caller) as ProxyHandler<() => void>);
  stubs.set(stub, { kind: "object", target, owner });
  return stub;
}

class ServiceStubHandler {
  constructor(
    private readonly target: ServiceTarget,
    private readonly caller: Realm,
  ) {}

  apply(): never {
    throw new TypeError(`${this.target.label} is not callable; call one of its methods.`);
  }

  get(_t: unknown, prop: string | symbol): unknown {
    if (prop === "then" || typeof prop === "symbol") return symbolMember(prop);
    const { target, caller } = this;
    if (target.properties && Object.hasOwn(target.properties, prop)) return target.properties[prop];
    if (prop === "dup") return () => serviceStub(target, caller);
    if (prop === "fetch" || prop === "connect") return (...args: unknown[]) => target.call(prop, args, caller);
    return member(
      (args) => target.call(prop, args, caller),
      () => target.read(prop, caller),
    );
  }
}

export function serviceStub(target: ServiceTarget, caller: Realm): unknown {
  const stub = new Proxy(stubTarget.service(), new ServiceStubHandler(target, caller) as ProxyHandler<() => void>);
  stubs.set(stub, { kind: "service", target });
  return stub;
}

/** `then` must be undefined (a stub is not a promise); `using` and `Symbol.dispose` are accepted and do nothing. */
function symbolMember(prop: string | symbol): unknown {
  if (
    prop === (Symbol as { dispose?: symbol }).dispose ||
    prop === (Symbol as { asyncDispose?: symbol }).asyncDispose
  ) {
    return () => {};
  }
  return undefined;
}
