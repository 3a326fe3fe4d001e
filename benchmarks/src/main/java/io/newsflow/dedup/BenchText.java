package io.newsflow.dedup;

import java.util.List;

/** Fixed benchmark text, written for this module (no corpus text): fintech-news style, plain ASCII and typographic quotes. */
final class BenchText {
    private BenchText() {
    }

    static final String TITLE = "Bitcoin slides as regulators weigh new stablecoin rules for exchanges";

    /** Exactly 100 words (letter/digit runs). */
    static final String PARAGRAPH_100 = "Bitcoin fell sharply on Tuesday after regulators in Washington signalled "
            + "that a long-awaited framework for stablecoin issuers would arrive before the summer, pushing traders "
            + "to cut exposure across large exchanges. The token dropped six percent to its lowest level "
            + "in three weeks, while ether and solana followed with losses. Analysts at two brokerages said "
            + "the move reflected positioning rather than panic, noting that futures funding rates had been elevated "
            + "for days. “The market was crowded and needed an excuse,” one strategist said, adding that spot "
            + "volumes remained healthy and institutional inflows into listed funds had not reversed this week.";

    /** Ten paragraphs of 60 to 110 words. */
    static final List<String> ARTICLE_10 = List.of(
            PARAGRAPH_100,
            "The proposal, circulated to lawmakers late on Monday, would require issuers of dollar-backed tokens to "
                    + "hold reserves in cash and short-dated Treasury bills, publish monthly attestations and submit to "
                    + "supervision by either a federal banking agency or a qualifying state regulator. Issuers above a "
                    + "size threshold would face capital requirements similar to those applied to payment banks.",
            "Exchanges listing the tokens would also have to verify that reserves are segregated from operating "
                    + "accounts, a requirement that industry groups have resisted. Several large platforms said they "
                    + "were reviewing the draft and would comment during the consultation period, which runs for sixty "
                    + "days after formal publication in the register.",
            "Consumer advocates welcomed the reserve rules but said the draft left gaps around algorithmic "
                    + "designs and yield-bearing products marketed to retail customers. They urged the agencies to "
                    + "treat any token that promises interest as a security and to require clear risk disclosures on "
                    + "every app screen where it is offered.",
            "On the blockchain, data from analytics firms showed a rise in transfers from long-dormant wallets to "
                    + "exchange deposit addresses, often a sign that holders intend to sell. Miners also moved more "
                    + "coins than usual, as revenue per unit of hashrate stayed near record lows following last "
                    + "year's halving and rising electricity prices in several regions.",
            "Listed crypto companies traded lower in New York. Shares of a major exchange operator fell four percent "
                    + "in early trading, and mining stocks dropped between five and nine percent. A fintech lender "
                    + "that offers bitcoin-backed loans said margin calls had increased but remained well within its "
                    + "risk limits and that no client positions had been liquidated.",
            "In Europe, supervisors are preparing for the full application of the markets in crypto-assets "
                    + "regulation, which already sets reserve and licensing rules for issuers of e-money tokens. "
                    + "Officials have said they want to avoid regulatory arbitrage and will coordinate with their "
                    + "American counterparts on custody, disclosure and the treatment of tokenised deposits held by banks.",
            "Central banks continue to study retail digital currencies as an alternative to private stablecoins. "
                    + "A survey published this month found that most monetary authorities are running pilots or "
                    + "proofs of concept, although only a handful expect to launch within five years, citing privacy "
                    + "concerns, the cost of building resilient payment infrastructure and uncertain public demand.",
            "Payment firms, meanwhile, are racing to add stablecoin settlement to cross-border services. Two card "
                    + "networks have announced pilots that let merchants receive dollar tokens on public blockchains, "
                    + "and a remittance company said transfers routed through such rails settle in minutes rather "
                    + "than days, at a fraction of the fees charged by correspondent banks.",
            "Traders will watch inflation figures due on Thursday for clues on interest rates, which have weighed "
                    + "on speculative assets throughout the year. Options markets priced a swing of about four percent "
                    + "in either direction by the end of the week, and open interest in put contracts climbed to its "
                    + "highest level since the spring sell-off, according to exchange data.");
}
