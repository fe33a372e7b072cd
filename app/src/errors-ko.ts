// Korean sentences for the client errors a person meets most in the app. Each takes the error's
// decoded arguments and the client's formatters (amounts, times) and gives a sentence and a hint;
// an error not listed here, or one whose arguments are missing (a relayer's `Reverted` answer
// carries none), keeps the client's English sentence. Pure: no DOM, so a Node test can load it.
import { RIDE_STATES, type ErrorContext, type Explanation } from "../../src/client";

/** The formatters: the client's (amounts, times) and the app's ride state names in Korean. */
export interface KoContext extends ErrorContext {
  rideState(name: string): string;
}

type KoExplain = (args: readonly unknown[], c: KoContext) => Explanation | undefined;

const big = (v: unknown): bigint | undefined => (typeof v === "bigint" ? v : undefined);
const text = (v: unknown): string | undefined =>
  typeof v === "string" || typeof v === "bigint" ? String(v) : undefined;

/** Every argument present with its type, or undefined (then the English sentence is kept). */
function need<const T extends readonly unknown[]>(values: T): { [K in keyof T]: NonNullable<T[K]> } | undefined {
  return values.every((v) => v !== undefined) ? (values as { [K in keyof T]: NonNullable<T[K]> }) : undefined;
}

export const KO_ERRORS: Record<string, KoExplain> = {
  ERC20InsufficientBalance: ([who, bal, needed], c) => {
    const v = need([text(who), big(bal), big(needed), c.token]);
    if (v === undefined) return undefined;
    const [w, b, n, token] = v;
    return {
      sentence: `${w} 계정의 잔액은 ${token(b)}인데 ${token(n)}이(가) 필요합니다`,
      hint: "먼저 토큰을 더 받으세요 (로컬 체인에서는 테스트 tUSD 받기 버튼)",
    };
  },
  ERC20InsufficientAllowance: ([spender, allowance, needed], c) => {
    const v = need([text(spender), big(allowance), big(needed), c.token]);
    if (v === undefined) return undefined;
    const [s, a, n, token] = v;
    return {
      sentence: `${s}의 사용 한도는 ${token(a)}인데 ${token(n)}이(가) 필요합니다`,
      hint: "먼저 금액을 승인하세요",
    };
  },
  StakeBelowMinimum: ([driver, stake, min], c) => {
    const v = need([text(driver), big(stake), big(min)]);
    if (v === undefined) return undefined;
    const [d, s, m] = v;
    return {
      sentence: `운전자 ${d}의 예치금이 ${c.fare(s)}이(가) 되어 최소 ${c.fare(m)}보다 적습니다`,
      hint: "최소 예치금 이상을 예치하세요 (투표 페이지의 매개변수에 나옵니다)",
    };
  },
  DriverNotRegistered: ([driver]) => {
    const v = need([text(driver)]);
    return v && { sentence: `${v[0]}은(는) 등록된 운전자가 아닙니다`, hint: "먼저 예치금을 넣고 운전자로 등록하세요" };
  },
  DriverAlreadyRegistered: ([driver]) => {
    const v = need([text(driver)]);
    return v && { sentence: `${v[0]}은(는) 이미 등록된 운전자입니다`, hint: "다시 등록할 필요가 없습니다" };
  },
  DriverBusy: ([driver, active]) => {
    const v = need([text(driver), text(active)]);
    return (
      v && { sentence: `운전자 ${v[0]}은(는) 아직 운행 #${v[1]}을(를) 하고 있습니다`, hint: "그 운행을 먼저 마치세요" }
    );
  },
  RideWrongState: ([id, current, expected], c) => {
    const v = need([text(id), big(current), big(expected)]);
    if (v === undefined) return undefined;
    const state = (s: bigint) => {
      const name = RIDE_STATES[Number(s)];
      return name === undefined ? `상태 ${s}` : c.rideState(name);
    };
    return {
      sentence: `운행 #${v[0]}은(는) '${state(v[1])}' 상태이며, '${state(v[2])}' 상태여야 합니다`,
      hint: "화면이 새로 고쳐지면 지금 할 수 있는 일이 보입니다",
    };
  },
  OfferExpired: ([id, driver]) => {
    const v = need([text(id), text(driver)]);
    return (
      v && {
        sentence: `운행 #${v[0]}에 대한 운전자 ${v[1]}의 제안이 만료되었습니다`,
        hint: "다른 제안을 수락하거나 새 제안을 기다리세요",
      }
    );
  },
  RideExpired: ([id]) => {
    const v = need([text(id)]);
    return v && { sentence: `운행 #${v[0]}의 요청이 만료되었습니다`, hint: "요청이 닫혔습니다. 새로 요청하세요" };
  },
  FareTooLarge: ([fare, max], c) => {
    const v = need([big(fare), big(max)]);
    return (
      v && {
        sentence: `요금 ${c.fare(v[0])}이(가) 허용되는 최대 ${c.fare(v[1])}보다 큽니다`,
        hint: "더 낮은 요금을 제시하세요",
      }
    );
  },
  NothingToWithdraw: ([who]) => {
    const v = need([text(who)]);
    return v && { sentence: `${v[0]}은(는) 출금할 금액이 없습니다`, hint: "잔액 카드에서 출금 가능 금액을 확인하세요" };
  },
  NothingToClaim: ([who]) => {
    const v = need([text(who)]);
    return (
      v && {
        sentence: `${v[0]}은(는) 받을 RIDE가 없습니다`,
        hint: "RIDE는 승객이 평점과 함께 운행을 확인하면 쌓입니다",
      }
    );
  },
  GovernorInsufficientProposerVotes: ([who, votes, threshold], c) => {
    const v = need([text(who), big(votes), big(threshold)]);
    return (
      v && {
        sentence: `${v[0]}의 투표권은 ${c.ride(v[1])}이고, 제안 기준은 ${c.ride(v[2])}입니다`,
        hint: "RIDE를 더 얻거나 받아서 위임하세요. 투표권은 다음 초부터 셉니다",
      }
    );
  },
  GovernorAlreadyCastVote: ([voter]) => {
    const v = need([text(voter)]);
    return v && { sentence: `${v[0]}은(는) 이 제안에 이미 투표했습니다`, hint: "투표는 바꿀 수 없습니다" };
  },
  FaucetCooldown: ([who, left]) => {
    const v = need([text(who), big(left)]);
    return (
      v && {
        sentence: `${v[0]}은(는) 하루가 지나기 전에 테스트 토큰을 받았습니다`,
        hint: `${Math.ceil(Number(v[1]) / 60)}분 뒤에 다시 시도하세요`,
      }
    );
  },
  AlreadyRuled: ([id, arbiter]) => {
    const v = need([text(id), text(arbiter)]);
    return v && { sentence: `${v[1]}은(는) 분쟁 #${v[0]}에서 이미 판정했습니다`, hint: "판정은 바꿀 수 없습니다" };
  },
  RelayerUnavailable: () => ({
    sentence: "릴레이어가 응답하지 않습니다",
    hint: "릴레이어를 시작하거나 (`npm run relayer`), 릴레이어 없이 직접 보내세요 (?relay=off, ETH가 필요합니다)",
  }),
};

/** The Korean sentence and hint for `errorName` with `args`, or undefined to keep the English one. */
export function koreanError(errorName: string, args: readonly unknown[], c: KoContext): Explanation | undefined {
  const explain = KO_ERRORS[errorName];
  if (explain === undefined) return undefined;
  try {
    return explain(args, c);
  } catch {
    return undefined;
  }
}
