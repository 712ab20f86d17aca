// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AttestationBase} from "../unit/AttestationBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";

/// @notice The claim's bounds, fuzzed: any nonce but the expected one, any size outside 37..8,192 and 1..16,384
/// bytes, any block outside the last 256 is refused with its named error and changes nothing; inside them the
/// claim is published with the report's hash.
contract AttestationsFuzzTest is AttestationBase {
    function testFuzz_OnlyTheExpectedNonceIsAccepted(bytes32 reported, uint256 ageSeed) public {
        uint256 nonceBlock = FIRST_BLOCK - bound(ageSeed, 1, BLOCK_WINDOW);
        bytes32 expected = _nonce(offerId, provider, nonceBlock);
        vm.assume(reported != expected);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_AttestationNonceMismatch.selector, expected, reported)
        );
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, _hopperReport(reported), _chain(10));
        _assertUnchanged(before);

        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, _hopperReport(expected), _chain(10));
        assertEq(market.getOfferAttestation(offerId).nonceBlock, nonceBlock, "the expected nonce publishes");
    }

    function testFuzz_SizesOutsideTheBoundsAreRefused(
        uint256 reportSeed,
        uint256 chainSeed,
        bool reportBad
    ) public {
        uint256 reportLength;
        uint256 chainLength;
        if (reportBad) {
            reportLength =
                reportSeed % 2 == 0
                    ? bound(reportSeed, 0, SPDM_REQUEST - 1)
                    : bound(reportSeed, MAX_REPORT + 1, MAX_REPORT + 512);
            chainLength = bound(chainSeed, 1, MAX_CHAIN);
        } else {
            reportLength = bound(reportSeed, SPDM_REQUEST, MAX_REPORT);
            chainLength = chainSeed % 2 == 0 ? 0 : bound(chainSeed, MAX_CHAIN + 1, MAX_CHAIN + 512);
        }
        uint256 nonceBlock = FIRST_BLOCK - 1;
        bytes32 nonce = _nonce(offerId, provider, nonceBlock);
        bytes memory report = reportLength < 36 ? new bytes(reportLength) : _report(nonce, reportLength);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_AttestationSize.selector, reportLength, chainLength)
        );
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, report, _chain(chainLength));
        _assertUnchanged(before);
    }

    function testFuzz_SizesInsideTheBoundsArePublished(uint256 reportSeed, uint256 chainSeed) public {
        uint256 reportLength = bound(reportSeed, SPDM_REQUEST, MAX_REPORT);
        uint256 chainLength = bound(chainSeed, 1, MAX_CHAIN);
        uint256 nonceBlock = FIRST_BLOCK - 1;
        bytes memory report = _report(_nonce(offerId, provider, nonceBlock), reportLength);
        vm.prank(provider);
        market.publishOfferAttestation(offerId, BLACKWELL, nonceBlock, report, _chain(chainLength));
        assertEq(market.getOfferAttestation(offerId).reportHash, keccak256(report), "published");
    }

    function testFuzz_OnlyTheLast256BlocksAreAccepted(uint256 nonceBlock, uint256 currentSeed) public {
        uint256 current = bound(currentSeed, 600, 1_000_000);
        vm.roll(current);
        // Half the runs pick a block near the current one (future, current, in the window, just out of it).
        uint256 offset = (nonceBlock >> 1) % 600;
        if (nonceBlock % 2 == 0) nonceBlock = current + 5 - offset;
        bool inWindow = nonceBlock < current && current - nonceBlock <= BLOCK_WINDOW;
        if (inWindow) {
            bytes memory good = _hopperReport(_nonce(offerId, provider, nonceBlock));
            vm.prank(provider);
            market.publishOfferAttestation(offerId, HOPPER, nonceBlock, good, _chain(10));
            assertEq(market.getOfferAttestation(offerId).nonceBlock, nonceBlock, "published");
            return;
        }
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_StaleAttestationBlock.selector, nonceBlock, current)
        );
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, _hopperReport(bytes32(0)), _chain(10));
        _assertUnchanged(before);
    }

    function testFuzz_AgeInsideTheWindowIsAccepted(uint256 ageSeed) public {
        uint256 nonceBlock = FIRST_BLOCK - bound(ageSeed, 1, BLOCK_WINDOW);
        bytes memory report = _hopperReport(_nonce(offerId, provider, nonceBlock));
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, report, _chain(10));
        assertEq(market.getOfferAttestation(offerId).nonceBlock, nonceBlock, "published");
    }
}
