// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AttestationBase} from "./AttestationBase.sol";
import {Errors} from "../../../contracts/libraries/Errors.sol";
import {IGridleaseMarketEvents} from "../../../contracts/interfaces/IGridleaseMarketEvents.sol";
import {IGridleaseMarketPeriphery} from "../../../contracts/interfaces/IGridleaseMarketPeriphery.sol";
import {OfferAttestation} from "../../../contracts/types/DataTypes.sol";

contract Attestations_Unit_Test is AttestationBase {
    /*//////////////////////////////////////////////////////////////
                          publishOfferAttestation
    //////////////////////////////////////////////////////////////*/

    /// @dev Attestation claims are the periphery's since issue #12 (market -> extension -> periphery).
    function test_RevertWhen_CalledOnThePeriphery() public {
        IGridleaseMarketPeriphery periphery = IGridleaseMarketPeriphery(market.PERIPHERY());
        bytes32 nonce = _nonce(offerId, provider, FIRST_BLOCK - 1);
        vm.expectRevert(Errors.Market_NotDelegated.selector);
        vm.prank(provider);
        periphery.publishOfferAttestation(offerId, HOPPER, FIRST_BLOCK - 1, _hopperReport(nonce), _chain(10));
    }

    function test_RevertGiven_UnknownOffer() public {
        MarketState memory before = _captureState();
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_UnknownOffer.selector, 7));
        vm.prank(provider);
        market.publishOfferAttestation(7, HOPPER, FIRST_BLOCK - 1, _hopperReport(bytes32(0)), _chain(10));
        _assertUnchanged(before);
    }

    function test_RevertWhen_CallerNotProvider() public {
        MarketState memory before = _captureState();
        // The report carries the nonce the caller would need for itself: the caller is refused before the nonce.
        bytes memory report = _hopperReport(_nonce(offerId, stranger, FIRST_BLOCK - 1));
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_NotOfferProvider.selector, offerId, stranger));
        vm.prank(stranger);
        market.publishOfferAttestation(offerId, HOPPER, FIRST_BLOCK - 1, report, _chain(10));
        _assertUnchanged(before);
    }

    function test_RevertWhen_GenerationUnknown() public {
        MarketState memory before = _captureState();
        bytes memory report = _hopperReport(_nonce(offerId, provider, FIRST_BLOCK - 1));
        uint8[3] memory bad = [0, 3, 255];
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Errors.Market_BadAttestationGeneration.selector, bad[i]));
            vm.prank(provider);
            market.publishOfferAttestation(offerId, bad[i], FIRST_BLOCK - 1, report, _chain(10));
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_ReportShorterThanAnSpdmRequest() public {
        MarketState memory before = _captureState();
        // Lengths 0 and 35 would make the nonce slice (bytes 4..36) panic if it came first.
        uint256[3] memory lengths = [uint256(0), 35, SPDM_REQUEST - 1];
        for (uint256 i = 0; i < lengths.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Errors.Market_AttestationSize.selector, lengths[i], 10));
            vm.prank(provider);
            market.publishOfferAttestation(
                offerId,
                HOPPER,
                FIRST_BLOCK - 1,
                new bytes(lengths[i]),
                _chain(10)
            );
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_ReportLongerThanMax() public {
        MarketState memory before = _captureState();
        bytes memory report = _report(_nonce(offerId, provider, FIRST_BLOCK - 1), MAX_REPORT + 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_AttestationSize.selector, MAX_REPORT + 1, 10));
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, FIRST_BLOCK - 1, report, _chain(10));
        _assertUnchanged(before);
    }

    function test_RevertWhen_ChainEmpty() public {
        MarketState memory before = _captureState();
        bytes memory report = _hopperReport(_nonce(offerId, provider, FIRST_BLOCK - 1));
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_AttestationSize.selector, 4_117, 0));
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, FIRST_BLOCK - 1, report, "");
        _assertUnchanged(before);
    }

    function test_RevertWhen_ChainLongerThanMax() public {
        MarketState memory before = _captureState();
        bytes memory report = _hopperReport(_nonce(offerId, provider, FIRST_BLOCK - 1));
        vm.expectRevert(abi.encodeWithSelector(Errors.Market_AttestationSize.selector, 4_117, MAX_CHAIN + 1));
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, FIRST_BLOCK - 1, report, _chain(MAX_CHAIN + 1));
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonceBlockNotInThePast() public {
        MarketState memory before = _captureState();
        uint256[3] memory blocks = [FIRST_BLOCK, FIRST_BLOCK + 1, type(uint256).max];
        for (uint256 i = 0; i < blocks.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(Errors.Market_StaleAttestationBlock.selector, blocks[i], FIRST_BLOCK)
            );
            vm.prank(provider);
            market.publishOfferAttestation(offerId, HOPPER, blocks[i], _hopperReport(bytes32(0)), _chain(10));
        }
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonceBlockOlderThanWindow() public {
        uint256 nonceBlock = FIRST_BLOCK - 1;
        bytes memory report = _hopperReport(_nonce(offerId, provider, nonceBlock));
        vm.roll(nonceBlock + BLOCK_WINDOW + 1);
        MarketState memory before = _captureState();
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_StaleAttestationBlock.selector, nonceBlock, block.number)
        );
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, report, _chain(10));
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonceOfAnotherBlock() public {
        MarketState memory before = _captureState();
        bytes32 expected = _nonce(offerId, provider, FIRST_BLOCK - 1);
        bytes32 other = _nonce(offerId, provider, FIRST_BLOCK - 2);
        assertTrue(other != expected, "two blocks' nonces differ");
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_AttestationNonceMismatch.selector, expected, other)
        );
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, FIRST_BLOCK - 1, _hopperReport(other), _chain(10));
        _assertUnchanged(before);
    }

    function test_RevertWhen_NonceOfAnotherOfferOrProvider() public {
        // provider2 lists the same hardware and replays provider's published report on its own offer.
        vm.startPrank(provider2);
        market.registerProvider("ipfs://provider/copycat");
        market.depositBond(address(usd), PROVIDER_BOND);
        uint256 copycatOffer = market.createOffer(_h100Params());
        vm.stopPrank();
        uint256 secondOffer = _createDefaultOffer();
        (bytes memory published, bytes32 publishedNonce) = _publish(HOPPER);
        MarketState memory before = _captureState();

        bytes32 expected = _nonce(copycatOffer, provider2, FIRST_BLOCK - 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_AttestationNonceMismatch.selector, expected, publishedNonce)
        );
        vm.prank(provider2);
        market.publishOfferAttestation(copycatOffer, HOPPER, FIRST_BLOCK - 1, published, _chain(10));

        // The provider's own second offer needs its own nonce too.
        expected = _nonce(secondOffer, provider, FIRST_BLOCK - 1);
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_AttestationNonceMismatch.selector, expected, publishedNonce)
        );
        vm.prank(provider);
        market.publishOfferAttestation(secondOffer, HOPPER, FIRST_BLOCK - 1, published, _chain(10));
        _assertUnchanged(before);
        assertEq(market.getOfferAttestation(copycatOffer).reportHash, bytes32(0), "no claim on the copy");
    }

    function test_WhenValid_Publish() public {
        vm.warp(START_TIME + 1 days);
        uint256 nonceBlock = FIRST_BLOCK - 1;
        bytes32 nonce = _nonce(offerId, provider, nonceBlock);
        bytes memory report = _hopperReport(nonce);
        bytes memory chain = _chain(3_400);
        MarketState memory before = _captureState();

        _expectMarketEvent();
        emit IGridleaseMarketEvents.OfferAttestationPublished(
            offerId,
            provider,
            HOPPER,
            nonceBlock,
            nonce,
            keccak256(report),
            report,
            chain
        );
        vm.prank(provider);
        market.publishOfferAttestation(offerId, HOPPER, nonceBlock, report, chain);

        OfferAttestation memory claim = market.getOfferAttestation(offerId);
        assertEq(claim.reportHash, keccak256(report), "reportHash");
        assertEq(claim.publishedAt, START_TIME + 1 days, "publishedAt");
        assertEq(claim.nonceBlock, nonceBlock, "nonceBlock");
        assertEq(claim.generation, HOPPER, "generation");

        // Nothing but the claim changed.
        before.attestationsHash = keccak256(abi.encode(bytes32(0), claim));
        _assertUnchanged(before);
    }

    function test_WhenValid_PublishAtTheBounds() public {
        // The oldest block allowed, the shortest report and a one-byte chain; then the longest of both.
        uint256 nonceBlock = FIRST_BLOCK - BLOCK_WINDOW;
        bytes memory shortest = _report(_nonce(offerId, provider, nonceBlock), SPDM_REQUEST);
        vm.prank(provider);
        market.publishOfferAttestation(offerId, BLACKWELL, nonceBlock, shortest, hex"30");
        assertEq(market.getOfferAttestation(offerId).reportHash, keccak256(shortest), "shortest published");

        bytes memory longest = _report(_nonce(offerId, provider, FIRST_BLOCK - 1), MAX_REPORT);
        vm.prank(provider);
        market.publishOfferAttestation(offerId, BLACKWELL, FIRST_BLOCK - 1, longest, _chain(MAX_CHAIN));
        assertEq(market.getOfferAttestation(offerId).reportHash, keccak256(longest), "longest published");
    }

    function test_GivenClaimExists_Replace() public {
        _publish(HOPPER);
        vm.roll(FIRST_BLOCK + 10);
        vm.warp(START_TIME + 2 days);
        (bytes memory report, ) = _publish(BLACKWELL);
        OfferAttestation memory claim = market.getOfferAttestation(offerId);
        assertEq(claim.reportHash, keccak256(report), "the newer report");
        assertEq(claim.generation, BLACKWELL, "the newer generation");
        assertEq(claim.nonceBlock, FIRST_BLOCK + 9, "the newer nonce block");
        assertEq(claim.publishedAt, START_TIME + 2 days, "the newer time");
    }

    function test_GivenMarketOrOfferPaused_Publish() public {
        vm.prank(owner);
        market.setPaused(true);
        vm.prank(provider);
        market.setOfferPaused(offerId, true);
        (bytes memory report, ) = _publish(HOPPER);
        assertEq(market.getOfferAttestation(offerId).reportHash, keccak256(report), "published while paused");
    }

    /*//////////////////////////////////////////////////////////////
                            attestationNonce
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_NonceViewBlockOutOfWindow() public {
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_StaleAttestationBlock.selector, FIRST_BLOCK, FIRST_BLOCK)
        );
        market.attestationNonce(offerId, provider, FIRST_BLOCK);
        uint256 old = FIRST_BLOCK - BLOCK_WINDOW - 1;
        vm.expectRevert(
            abi.encodeWithSelector(Errors.Market_StaleAttestationBlock.selector, old, FIRST_BLOCK)
        );
        market.attestationNonce(offerId, provider, old);
    }

    function test_WhenBlockInWindow_NonceBindsEveryInput() public view {
        uint256 b = FIRST_BLOCK - 1;
        bytes32 nonce = market.attestationNonce(offerId, provider, b);
        assertEq(nonce, _nonce(offerId, provider, b), "the documented formula");
        assertEq(
            market.attestationNonce(offerId, provider, FIRST_BLOCK - BLOCK_WINDOW),
            _nonce(offerId, provider, FIRST_BLOCK - BLOCK_WINDOW),
            "the oldest block"
        );
        assertTrue(market.attestationNonce(offerId + 1, provider, b) != nonce, "offer");
        assertTrue(market.attestationNonce(offerId, provider2, b) != nonce, "provider");
        assertTrue(market.attestationNonce(offerId, provider, b - 1) != nonce, "block");
        assertEq(
            market.MAX_ATTESTATION_REPORT_BYTES() + market.MAX_ATTESTATION_CHAIN_BYTES(),
            MAX_REPORT + MAX_CHAIN,
            "size limits as restated"
        );
        assertEq(market.ATTESTATION_BLOCK_WINDOW(), BLOCK_WINDOW, "window as restated");
    }

    /*//////////////////////////////////////////////////////////////
                           getOfferAttestation
    //////////////////////////////////////////////////////////////*/

    function test_GivenNoClaim_GetOfferAttestationIsZero() public view {
        OfferAttestation memory claim = market.getOfferAttestation(offerId);
        assertEq(claim.reportHash, bytes32(0), "reportHash");
        assertEq(claim.publishedAt, 0, "publishedAt");
        assertEq(claim.nonceBlock, 0, "nonceBlock");
        assertEq(claim.generation, 0, "generation");
        assertEq(market.getOfferAttestation(99).reportHash, bytes32(0), "unknown offer");
    }
}
